package inquiry_test

import (
	"bytes"
	"errors"
	"image"
	"image/png"
	"log/slog"
	"strconv"
	"strings"
	"testing"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/inquiry"
	"github.com/mallang/mallang/internal/media"
	"github.com/mallang/mallang/internal/notify"
	"github.com/mallang/mallang/internal/order/ordertest"
	"github.com/mallang/mallang/internal/payment/paymenttest"
)

type fixture struct {
	sh    *ordertest.Shop
	s     *inquiry.Service
	media *media.Store
}

func newFixture(t *testing.T) *fixture { return newFixtureMailing(t, "") }

// newFixtureMailing is newFixture whose new inquiries are mailed to staff.
func newFixtureMailing(t *testing.T, staff string) *fixture {
	t.Helper()
	sh := ordertest.NewShop(t)
	store, err := media.Open(t.Context(), "mem://")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close() })
	s := inquiry.NewService(sh.D, inquiry.Deps{Orders: sh.Orders, Media: store, Audit: audit.New(sh.D, sh.Clock.Now),
		Mailer: sh.Outbox, Customers: paymenttest.Contacts{D: sh.D}}, inquiry.Config{BaseURL: "http://shop.test",
		AdminURL: "http://shop.test/manage-1a2b", StaffEmail: staff}, sh.Clock.Now, slog.New(slog.DiscardHandler))
	return &fixture{sh: sh, s: s, media: store}
}

func pngPhoto(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A customer asks about one of their orders with a photo; bad input names
// every field and stores nothing; another customer's order is refused.
func TestAsk(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	v := f.sh.Product(t, "말랑 쌀", 10000, 10)
	o := f.sh.PlaceOne(t, v, 1)
	other := f.sh.Customer(t, "other@example.com")
	tests := []struct {
		name   string
		in     inquiry.AskInput
		fields []string
	}{
		{"everything missing", inquiry.AskInput{UserID: o.UserID}, []string{"kind", "title", "body"}},
		{"unknown kind", inquiry.AskInput{UserID: o.UserID, Kind: "gossip", Title: "t", Body: "b"}, []string{"kind"}},
		{"someone else's order", inquiry.AskInput{UserID: other, Kind: inquiry.KindOrder, OrderNumber: o.Number, Title: "t", Body: "b"}, []string{"order"}},
		{"unknown order", inquiry.AskInput{UserID: o.UserID, Kind: inquiry.KindOrder, OrderNumber: "nope", Title: "t", Body: "b"}, []string{"order"}},
		{"not a photo", inquiry.AskInput{UserID: o.UserID, Kind: inquiry.KindOther, Title: "t", Body: "b", Photos: []inquiry.Upload{{Data: []byte("text")}}}, []string{"photos"}},
		{"four photos", inquiry.AskInput{UserID: o.UserID, Kind: inquiry.KindOther, Title: "t", Body: "b",
			Photos: []inquiry.Upload{{Data: pngPhoto(t)}, {Data: pngPhoto(t)}, {Data: pngPhoto(t)}, {Data: pngPhoto(t)}}}, []string{"photos"}},
		{"long title", inquiry.AskInput{UserID: o.UserID, Kind: inquiry.KindOther, Title: strings.Repeat("가", inquiry.MaxTitle+1), Body: "b"}, []string{"title"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.s.Ask(ctx, tt.in)
			inv, ok := fault.AsInvalid(err)
			if !ok {
				t.Fatalf("Ask = %v, want invalid", err)
			}
			for _, k := range tt.fields {
				if inv.Fields[k] == "" {
					t.Errorf("field %s not named: %v", k, inv.Fields)
				}
			}
		})
	}
	if n, _ := f.s.CountOpen(ctx); n != 0 {
		t.Fatalf("refused inquiries stored: %d open", n)
	}
	in, err := f.s.Ask(ctx, inquiry.AskInput{UserID: o.UserID, Kind: inquiry.KindOrder, OrderNumber: o.Number,
		Title: "배송이 언제 되나요?", Body: "주문한 지 사흘이 지났어요.\n확인 부탁드립니다.", Photos: []inquiry.Upload{{Data: pngPhoto(t)}}})
	if err != nil {
		t.Fatal(err)
	}
	if in.OrderID != o.ID || in.OrderNumber != o.Number || in.Status != inquiry.Open || len(in.Photos) != 1 {
		t.Fatalf("inquiry %+v", in)
	}
	if ok, err := f.media.Exists(ctx, in.Photos[0]); err != nil || !ok {
		t.Fatalf("photo stored = %v, %v", ok, err)
	}
	got, err := f.s.Mine(ctx, o.UserID, in.ID)
	if err != nil || got.OrderNumber != o.Number || len(got.Photos) != 1 {
		t.Fatalf("Mine = %+v, %v", got, err)
	}
	if _, err := f.s.Mine(ctx, other, in.ID); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("Mine of another = %v, want not found", err)
	}
	if mine, err := f.s.ListMine(ctx, other, 0, 0); err != nil || len(mine) != 0 {
		t.Fatalf("ListMine of another = %v, %v", mine, err)
	}
}

// Staff answer: the inquiry is answered, the customer mailed in the same
// transaction, the answer audited; editing it mails again and is audited
// as an edit. The queue lists open ones first, and CountOpen counts them.
func TestAnswer(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	u := f.sh.Customer(t, "minji@example.com")
	staff := f.sh.Staff(t, "cs@shop.kr")
	first, err := f.s.Ask(ctx, inquiry.AskInput{UserID: u, Kind: inquiry.KindAccount, Title: "비밀번호", Body: "바꾸고 싶어요"})
	if err != nil {
		t.Fatal(err)
	}
	second, err := f.s.Ask(ctx, inquiry.AskInput{UserID: u, Kind: inquiry.KindProduct, Title: "재입고", Body: "언제?"})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := f.s.CountOpen(ctx); err != nil || n != 2 {
		t.Fatalf("CountOpen = %d, %v; want 2", n, err)
	}
	if _, err := f.s.Answer(ctx, staff, first.ID, "   "); err == nil {
		t.Fatal("an empty answer was taken")
	}
	if _, err := f.s.Answer(ctx, staff, 9999, "답변"); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("Answer of unknown = %v", err)
	}
	a, err := f.s.Answer(ctx, staff, first.ID, "계정 화면에서 바꿀 수 있습니다.")
	if err != nil {
		t.Fatal(err)
	}
	if a.Status != inquiry.Answered || a.AnsweredBy != staff.UserID || a.AnsweredAt.IsZero() {
		t.Fatalf("answered %+v", a)
	}
	if _, err := f.s.Answer(ctx, staff, first.ID, "계정 > 비밀번호 변경에서 바꿀 수 있습니다."); err != nil {
		t.Fatal(err)
	}
	mails, err := f.sh.Outbox.List(ctx, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	var subjects []string
	for _, m := range mails {
		if m.To == "minji@example.com" {
			subjects = append(subjects, m.Subject)
		}
	}
	if len(subjects) != 2 || !strings.Contains(strings.Join(subjects, "|"), "답변이 수정되었습니다") ||
		!strings.Contains(strings.Join(subjects, "|"), "답변을 드렸습니다") {
		t.Fatalf("mails to the customer: %q", subjects)
	}
	var actions []string
	q := f.sh.D.Read()
	if err := q.SelectContext(ctx, &actions, q.Rebind(`SELECT action FROM audit_log WHERE actor_id = ? ORDER BY id`), staff.UserID); err != nil {
		t.Fatal(err)
	}
	if strings.Join(actions, ",") != "inquiry.answered,inquiry.answer_edited" {
		t.Fatalf("audit %v", actions)
	}
	list, err := f.s.List(ctx, inquiry.Filter{})
	if err != nil || len(list) != 2 || list[0].ID != second.ID || list[1].ID != first.ID {
		t.Fatalf("queue = %+v, %v; want the open one first", list, err)
	}
	list, err = f.s.List(ctx, inquiry.Filter{Kind: inquiry.KindAccount})
	if err != nil || len(list) != 1 || list[0].ID != first.ID {
		t.Fatalf("queue of account = %+v, %v", list, err)
	}
	if _, err := f.s.List(ctx, inquiry.Filter{Status: "lost"}); err == nil {
		t.Fatal("unknown status taken")
	}
	if n, _ := f.s.CountOpen(ctx); n != 1 {
		t.Fatalf("CountOpen after answer = %d", n)
	}
	// Count counts what List lists under the same filter, on every page.
	counts := []struct {
		name   string
		filter inquiry.Filter
		want   int
	}{
		{"all", inquiry.Filter{}, 2},
		{"open", inquiry.Filter{Status: inquiry.Open}, 1},
		{"answered account", inquiry.Filter{Status: inquiry.Answered, Kind: inquiry.KindAccount}, 1},
		{"answered product", inquiry.Filter{Status: inquiry.Answered, Kind: inquiry.KindProduct}, 0},
		{"a page past the first", inquiry.Filter{Limit: 1, Offset: 1}, 2},
	}
	for _, tt := range counts {
		if n, err := f.s.Count(ctx, tt.filter); err != nil || n != tt.want {
			t.Errorf("Count %s = %d, %v; want %d", tt.name, n, err, tt.want)
		}
	}
	if _, err := f.s.Count(ctx, inquiry.Filter{Kind: "lost"}); err == nil {
		t.Error("Count took an unknown kind")
	}
	if n, err := f.s.CountMine(ctx, u); err != nil || n != 2 {
		t.Errorf("CountMine = %d, %v; want 2", n, err)
	}
	if mine, err := f.s.ListMine(ctx, u, 1, 1); err != nil || len(mine) != 1 || mine[0].ID != first.ID {
		t.Errorf("ListMine page 2 of 1 = %+v, %v; want the first inquiry", mine, err)
	}
}

// The answer's mail is written in its transaction: a customer who is gone
// gets none and the answer stands.
func TestAnswerToCustomerGone(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	u := f.sh.Customer(t, "gone@example.com")
	staff := f.sh.Staff(t, "cs@shop.kr")
	in, err := f.s.Ask(ctx, inquiry.AskInput{UserID: u, Kind: inquiry.KindOther, Title: "t", Body: "b"})
	if err != nil {
		t.Fatal(err)
	}
	w := f.sh.D.Write()
	if _, err := w.ExecContext(ctx, w.Rebind(`UPDATE users SET email = '' WHERE id = ?`), u); err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.Answer(ctx, staff, in.ID, "답변"); err != nil {
		t.Fatal(err)
	}
	mails, _ := f.sh.Outbox.List(ctx, 10, 0)
	for _, m := range mails {
		if m.Subject != "" && strings.Contains(m.Subject, "답변") {
			t.Fatalf("mail sent to nobody: %+v", m)
		}
	}
	_ = notify.InquiryAnswered
}

// Answer templates are kept, changed and deleted, each audited.
func TestTemplates(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := t.Context()
	staff := f.sh.Staff(t, "cs@shop.kr")
	if _, err := f.s.CreateTemplate(ctx, staff, "", ""); err == nil {
		t.Fatal("empty template taken")
	}
	tp, err := f.s.CreateTemplate(ctx, staff, "배송 지연", "고객님, 배송이 늦어져 죄송합니다.")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.s.UpdateTemplate(ctx, staff, tp.ID, "배송 지연 안내", "죄송합니다."); err != nil {
		t.Fatal(err)
	}
	got, err := f.s.Template(ctx, tp.ID)
	if err != nil || got.Title != "배송 지연 안내" || got.Body != "죄송합니다." {
		t.Fatalf("Template = %+v, %v", got, err)
	}
	if err := f.s.DeleteTemplate(ctx, staff, tp.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.s.DeleteTemplate(ctx, staff, tp.ID); !errors.Is(err, fault.ErrNotFound) {
		t.Fatalf("second delete = %v", err)
	}
	var n int
	if err := f.sh.D.Read().GetContext(ctx, &n, `SELECT COUNT(*) FROM audit_log WHERE action LIKE 'inquiry_template.%'`); err != nil || n != 3 {
		t.Fatalf("audit entries = %d, %v", n, err)
	}
}

// A new inquiry mails the staff address once, in the inquiry's
// transaction, with a link to it in the back office; a refused one mails
// no one, and without a staff address nothing is sent.
func TestAskMailsStaff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, staff string
		in          func(f *fixture, userID int64, number string) inquiry.AskInput
		want        int // staff mails
	}{
		{"with an order and a photo", "cs@shop.test", func(f *fixture, u int64, n string) inquiry.AskInput {
			return inquiry.AskInput{UserID: u, Kind: inquiry.KindOrder, OrderNumber: n, Title: "배송이 언제 되나요?",
				Body: "주문한 지 사흘이 지났어요.", Photos: []inquiry.Upload{{Data: pngPhoto(t)}}}
		}, 1},
		{"refused", "cs@shop.test", func(f *fixture, u int64, n string) inquiry.AskInput {
			return inquiry.AskInput{UserID: u, Kind: inquiry.KindOrder, Title: "", Body: "b"}
		}, 0},
		{"no staff address", "", func(f *fixture, u int64, n string) inquiry.AskInput {
			return inquiry.AskInput{UserID: u, Kind: inquiry.KindOther, Title: "t", Body: "b"}
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixtureMailing(t, tt.staff)
			ctx := t.Context()
			o := f.sh.PlaceOne(t, f.sh.Product(t, "말랑 쌀", 10000, 10), 1)
			before, err := f.sh.Outbox.List(ctx, 100, 0)
			if err != nil {
				t.Fatal(err)
			}
			in, err := f.s.Ask(ctx, tt.in(f, o.UserID, o.Number))
			if tt.want > 0 && err != nil {
				t.Fatal(err)
			}
			mails, err := f.sh.Outbox.List(ctx, 100, 0)
			if err != nil {
				t.Fatal(err)
			}
			mails = mails[:len(mails)-len(before)]
			if len(mails) != tt.want {
				t.Fatalf("%d mails sent, want %d: %+v", len(mails), tt.want, mails)
			}
			if tt.want == 0 {
				return
			}
			m := mails[0]
			link := "http://shop.test/manage-1a2b/inquiries/" + strconv.FormatInt(in.ID, 10)
			if m.To != tt.staff || !strings.Contains(m.Subject, "배송이 언제 되나요?") {
				t.Errorf("mail to %s, subject %q", m.To, m.Subject)
			}
			for _, w := range []string{link, "주문/배송", o.Number, "주문한 지 사흘이 지났어요.", "1장"} {
				if !strings.Contains(m.Text, w) || !strings.Contains(m.HTML, w) {
					t.Errorf("mail lacks %q:\n%s\n%s", w, m.Text, m.HTML)
				}
			}
		})
	}
}
