package backoffice_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mallang/mallang/internal/media"
)

// Staff with the settings permission upload the shop's logo on the
// settings page, see it, and remove it; the storefront's header shows it
// instead of the name while it is set, and the uploads' sweep keeps it
// while the settings name it. A file that is not an image is refused with
// a clear message and changes nothing.
func TestLogoUpload(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	b, _ := e.staffIn("boss@example.com")
	shopName := e.shop.Settings().Current(ctx).ShopName

	t.Run("not an image", func(t *testing.T) {
		st, body := b.upload(bo+"/settings/logo", "logo", upFile{"logo.txt", []byte("just text, not an image")})
		if st != http.StatusUnprocessableEntity || !strings.Contains(body, `data-testid="form-error"`) {
			t.Fatalf("text upload = %d\n%s", st, body)
		}
		if logo := e.shop.Settings().Current(ctx).Logo; logo != "" {
			t.Errorf("logo set to %q", logo)
		}
		if _, uploads := e.stored(t); uploads != 0 {
			t.Errorf("%d uploads recorded", uploads)
		}
	})

	st, body := b.upload(bo+"/settings/logo", "logo", upFile{"logo.png", testPNG(t, 40, 20, 200)})
	must(t, st, http.StatusOK, body)
	logo := e.shop.Settings().Current(ctx).Logo
	if !strings.HasPrefix(logo, media.URLPrefix) {
		t.Fatalf("logo = %q, want an uploaded image", logo)
	}
	if b.path() != bo+"/settings" {
		t.Errorf("after the upload at %s", b.path())
	}
	contains(t, body, `data-testid="logo-preview"`, `src="`+logo+`"`, `data-testid="logo-remove"`)
	if front := e.storefront(t, "/"); !strings.Contains(front, `<img src="`+logo+`" alt="`+shopName+`"`) {
		t.Errorf("storefront header does not show the logo:\n%s", front)
	}

	st, body = b.post(bo+"/settings/logo/remove", url.Values{})
	must(t, st, http.StatusOK, body)
	if got := e.shop.Settings().Current(ctx).Logo; got != "" {
		t.Fatalf("logo after removal = %q", got)
	}
	contains(t, body, `data-testid="logo-none"`, "로고를 지웠습니다")
	if strings.Contains(body, `data-testid="logo-preview"`) {
		t.Error("the page still shows a logo")
	}
	if front := e.storefront(t, "/"); strings.Contains(front, logo) {
		t.Error("the storefront still shows the removed logo")
	}

	// A new logo outlives the uploads' grace period while the settings name
	// it; the removed one does not.
	st, body = b.upload(bo+"/settings/logo", "logo", upFile{"new.png", testPNG(t, 30, 30, 90)})
	must(t, st, http.StatusOK, body)
	next := e.shop.Settings().Current(ctx).Logo
	if next == logo || !strings.HasPrefix(next, media.URLPrefix) {
		t.Fatalf("new logo = %q", next)
	}
	e.clock.Advance(media.Grace + time.Hour)
	if _, err := e.shop.Uploads().Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	if ok, err := e.shop.Media.Exists(ctx, strings.TrimPrefix(next, media.URLPrefix)); err != nil || !ok {
		t.Errorf("the sweep deleted the logo in use: %v, %v", ok, err)
	}
	if ok, _ := e.shop.Media.Exists(ctx, strings.TrimPrefix(logo, media.URLPrefix)); ok {
		t.Error("the sweep kept the removed logo")
	}
}

// storefront answers GET path from the shop's storefront.
func (e *env) storefront(t *testing.T, path string) string {
	t.Helper()
	res, err := http.Get(e.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var sb strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := res.Body.Read(buf)
		sb.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return sb.String()
}
