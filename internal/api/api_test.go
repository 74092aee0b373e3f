package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/api"
	"github.com/mallang/mallang/internal/cart"
	"github.com/mallang/mallang/internal/catalog"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/observe"
	"github.com/mallang/mallang/internal/order"
)

// stubCatalog answers every call with err; it drives the error mapping.
type stubCatalog struct{ err error }

func (s stubCatalog) Categories(context.Context) ([]*catalog.Category, error) { return nil, s.err }
func (s stubCatalog) List(context.Context, catalog.ListQuery) (catalog.ListResult, error) {
	return catalog.ListResult{}, s.err
}
func (s stubCatalog) Product(context.Context, int64) (catalog.ProductDetail, error) {
	return catalog.ProductDetail{}, s.err
}

// newMux mounts an API over cat on a fresh mux, as the app does, next to a
// site-wide catch-all like the storefront's.
func newMux(t testing.TB, cat api.Catalog, log *slog.Logger) *http.ServeMux {
	t.Helper()
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "storefront", http.StatusTeapot)
	})
	api.New(api.Config{BaseURL: testBaseURL + "/", Version: "test"}, cat, log).Register(mux)
	return mux
}

func TestFaultKinds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		err    error
		status int
		logged bool
	}{
		{"not found", fmt.Errorf("product 9: %w", fault.ErrNotFound), http.StatusNotFound, false},
		{"invalid", fmt.Errorf("list: %w", &fault.Invalid{Fields: map[string]string{"category": "is unknown"}}), http.StatusUnprocessableEntity, false},
		{"conflict", fmt.Errorf("variant 3: %w", fault.ErrConflict), http.StatusConflict, false},
		{"forbidden", fault.ErrForbidden, http.StatusForbidden, false},
		{"unauthenticated", fault.ErrUnauthenticated, http.StatusUnauthorized, false},
		{"other", errors.New("pq: password authentication failed for user mallang"), http.StatusInternalServerError, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var logs bytes.Buffer
			log := slog.New(observe.LogHandler(slog.NewJSONHandler(&logs, nil)))
			mux := newMux(t, stubCatalog{tt.err}, log)
			for _, target := range []string{"/api/v1/categories", "/api/v1/products?category=x", "/api/v1/products/9"} {
				req := httptest.NewRequestWithContext(observe.WithRequestID(t.Context(), "req-42"), http.MethodGet, target, nil)
				rec := httptest.NewRecorder()
				mux.ServeHTTP(rec, req)
				p := decodeProblem(t, rec, tt.status)
				if strings.Contains(rec.Body.String(), "pq:") || strings.Contains(rec.Body.String(), "password") {
					t.Errorf("%s: body leaks the error: %s", target, rec.Body)
				}
				if wantInstance := strings.Split(target, "?")[0]; p.Instance != wantInstance {
					t.Errorf("%s: instance = %q, want %q", target, p.Instance, wantInstance)
				}
				if tt.status == http.StatusUnprocessableEntity && target != "/api/v1/categories" {
					loc := "query.category"
					if strings.HasPrefix(target, "/api/v1/products/") {
						loc = "path.category"
					}
					if len(p.Errors) != 1 || p.Errors[0].Location != loc || p.Errors[0].Message != "is unknown" {
						t.Errorf("%s: errors = %+v, want %s is unknown", target, p.Errors, loc)
					}
				}
				if tt.logged && !strings.Contains(p.Detail, "req-42") {
					t.Errorf("%s: 500 detail %q does not quote the request id", target, p.Detail)
				}
			}
			lines := strings.Count(logs.String(), "\n")
			if tt.logged {
				if lines != 3 || strings.Count(logs.String(), `"request_id":"req-42"`) != 3 {
					t.Errorf("want one error log per request with its request_id, got %s", logs.String())
				}
			} else if lines != 0 {
				t.Errorf("want no logs, got %s", logs.String())
			}
		})
	}
}

func TestOpenAPI(t *testing.T) {
	t.Parallel()
	mux := newMux(t, stubCatalog{}, nil)
	rec := get(t, mux, http.MethodGet, "/api/v1/openapi.json")
	if rec.Code != http.StatusOK {
		t.Fatalf("status = %d", rec.Code)
	}
	if !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") || rec.Header().Get("Cache-Control") == "" {
		t.Errorf("headers = %v", rec.Header())
	}
	var doc struct {
		OpenAPI string `json:"openapi"`
		Info    struct{ Title, Version string }
		Servers []struct{ URL string }
		Paths   map[string]map[string]struct {
			OperationID string `json:"operationId"`
			Summary     string
			Description string
			Parameters  []struct {
				Name, In string
				Schema   map[string]any
			}
			Responses map[string]struct {
				Content map[string]any
			}
		}
		Components struct {
			Schemas map[string]any
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if !regexp.MustCompile(`^3\.1\.\d+$`).MatchString(doc.OpenAPI) {
		t.Errorf("openapi = %q, want 3.1.x", doc.OpenAPI)
	}
	if doc.Info.Version != "test" || doc.Info.Title == "" {
		t.Errorf("info = %+v", doc.Info)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != testBaseURL {
		t.Errorf("servers = %+v, want %s", doc.Servers, testBaseURL)
	}
	want := map[string]struct {
		id     string
		params []string
		errors []string
	}{
		"/api/v1/categories":    {"list-categories", nil, []string{"500"}},
		"/api/v1/products":      {"list-products", []string{"query.q", "query.category", "query.min_price", "query.max_price", "query.in_stock", "query.featured", "query.sort", "query.page", "query.per_page"}, []string{"422", "500"}},
		"/api/v1/products/{id}": {"get-product", []string{"path.id"}, []string{"404", "422", "500"}},
	}
	if len(doc.Paths) != len(want) {
		t.Errorf("paths = %v, want %d", doc.Paths, len(want))
	}
	for path, w := range want {
		op, ok := doc.Paths[path]["get"]
		if !ok {
			t.Errorf("no GET %s", path)
			continue
		}
		if op.OperationID != w.id || op.Summary == "" || op.Description == "" {
			t.Errorf("%s: operationId %q, summary %q, description %q", path, op.OperationID, op.Summary, op.Description)
		}
		var got []string
		for _, p := range op.Parameters {
			got = append(got, p.In+"."+p.Name)
			if p.Schema["type"] == nil {
				t.Errorf("%s: parameter %s has no schema type", path, p.Name)
			}
		}
		if strings.Join(got, " ") != strings.Join(w.params, " ") {
			t.Errorf("%s: parameters %v, want %v", path, got, w.params)
		}
		if _, ok := op.Responses["200"].Content["application/json"]; !ok {
			t.Errorf("%s: no JSON 200 response", path)
		}
		for _, code := range w.errors {
			if _, ok := op.Responses[code].Content["application/problem+json"]; !ok {
				t.Errorf("%s: no %s problem response", path, code)
			}
		}
	}
	sort := doc.Paths["/api/v1/products"]["get"].Parameters[6].Schema
	if fmt.Sprint(sort["enum"]) != "[newest price_asc price_desc name rating reviews best]" {
		t.Errorf("sort enum = %v", sort["enum"])
	}
	for _, name := range []string{"Money", "Product", "ProductDetail", "ProductPage", "Variant", "Image", "Category", "CategoryTree", "ErrorModel"} {
		if doc.Components.Schemas[name] == nil {
			t.Errorf("no %s schema", name)
		}
	}
	money, _ := json.Marshal(doc.Components.Schemas["Money"])
	if !strings.Contains(string(money), `"₩12,900"`) {
		t.Errorf("Money schema has no example: %s", money)
	}
}

// The catalog document stays as it was when accounts are not enabled.
func TestOpenAPIWithoutAccounts(t *testing.T) {
	t.Parallel()
	plain := newMux(t, stubCatalog{}, nil)
	rec := get(t, plain, http.MethodGet, "/api/v1/openapi.json")
	if strings.Contains(rec.Body.String(), "/api/v1/auth/") || strings.Contains(rec.Body.String(), "securitySchemes") {
		t.Error("accounts documented without EnableAccounts")
	}
	decodeProblem(t, get(t, plain, http.MethodPost, "/api/v1/auth/token"), http.StatusNotFound)
	decodeProblem(t, get(t, plain, http.MethodGet, "/api/v1/me"), http.StatusNotFound)
}

func TestEnableCommerceNeedsAccounts(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("EnableCommerce without EnableAccounts did not panic")
		}
	}()
	api.New(api.Config{BaseURL: testBaseURL}, stubCatalog{}, slog.New(slog.DiscardHandler)).EnableCommerce(api.CommerceDeps{Carts: (*cart.Service)(nil), Orders: (*order.Service)(nil)})
}
