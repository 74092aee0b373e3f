package backoffice

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/customer"
	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/points"
)

// The customer's side of a user's page (회원, account.PermCustomers like
// the page itself): profile, grade, consent and sign-in history, the points
// ledger with the adjustment form, the address book (masked until revealed,
// which the customer service audits) and blocking.

// Customers is what the back office needs of the customer service;
// *customer.Service implements it.
type Customers interface {
	Get(ctx context.Context, userID int64) (customer.Customer, error)
	Ledger(ctx context.Context, userID int64) ([]points.Entry, error)
	AdjustPoints(ctx context.Context, by audit.Actor, userID, delta int64, reason string) (int64, error)
	Addresses(ctx context.Context, userID int64) ([]address.Address, error)
	RevealAddresses(ctx context.Context, by audit.Actor, userID int64) ([]address.Address, error)
	Block(ctx context.Context, by audit.Actor, userID int64, reason string) error
	Unblock(ctx context.Context, by audit.Actor, userID int64, reason string) error
}

// registerCustomers adds the forms of the customer's page.
func (h *Handler) registerCustomers(mux Router) {
	p, s := h.cfg.Path, h.withSession
	customers := func(next staffPage) http.Handler { return s(h.staff(h.need(account.PermCustomers, next))) }
	mux.Handle("POST "+p+"/users/{id}/points", customers(h.adjustPoints))
	mux.Handle("POST "+p+"/users/{id}/addresses", customers(h.revealAddresses))
	mux.Handle("POST "+p+"/users/{id}/block", customers(h.blockCustomer))
	mux.Handle("POST "+p+"/users/{id}/unblock", customers(h.unblockCustomer))
}

// careNote is what a form on the customer's page says when the page is
// shown again after it.
type careNote struct {
	Revealed []address.Address // the addresses, when staff asked to see them
	Fields   map[string]string // field errors of the form posted
	Form     string            // which form they belong to: "points", "block"
	Delta    string            // what was typed, to show again
	Reason   string
}

// careView is the customer's part of a user's page.
type careView struct {
	Base                     string
	Phone, Grade, Balance    string
	Debt                     bool
	Blocked                  bool
	BlockedAt, BlockedReason string
	// DormantAt is when the account went dormant, "" when it is not.
	DormantAt           string
	Consents            []careRow
	Logins              []loginRow
	Ledger              []ledgerRow
	Addresses           []addressRow
	Revealed            bool
	Form, Delta, Reason string
	Errors              map[string]string
}

type careRow struct{ Kind, State, At string }

type loginRow struct {
	At, Method, IP, Agent string
	OK                    bool
}

type ledgerRow struct {
	At, Kind, Amount, Balance, Memo string
	Negative                        bool
}

type addressRow struct {
	Label, Recipient, Phone, Postcode, Line1, Line2, Note string
	Default                                               bool
	Added                                                 string
}

// masked is what stands for a value staff have not revealed.
const masked = "●●●●"

// careViewOf builds the customer's part of user t's page.
func (h *Handler) careViewOf(ctx context.Context, m *messages, t account.User, cn careNote) (*careView, error) {
	c, err := h.deps.Customers.Get(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	v := &careView{Base: h.url("/users/" + strconv.FormatInt(t.ID, 10)), Phone: c.Phone, Grade: c.Grade.Name,
		Balance: m.Won(c.Balance), Debt: c.Balance < 0, Blocked: !c.BlockedAt.IsZero(),
		BlockedAt: m.Time(c.BlockedAt), BlockedReason: c.BlockedReason, Form: cn.Form, Delta: cn.Delta,
		Reason: cn.Reason, Errors: cn.Fields}
	if !c.DormantAt.IsZero() {
		v.DormantAt = m.Time(c.DormantAt)
	}
	if v.Phone == "" {
		v.Phone = "–"
	}
	for _, e := range c.Consents {
		state := m.T("cust.consent.given")
		if !e.Given {
			state = m.T("cust.consent.withdrawn")
		}
		kind := m.T("cust.consent." + e.Kind)
		if e.Version > 0 {
			kind = m.F("cust.consent.version", kind, e.Version)
		}
		v.Consents = append(v.Consents, careRow{Kind: kind, State: state, At: m.Time(e.CreatedAt)})
	}
	for _, e := range c.Logins {
		v.Logins = append(v.Logins, loginRow{At: m.Time(e.CreatedAt), Method: m.T("cust.login." + e.Method), IP: e.IP,
			Agent: e.UserAgent, OK: e.Success})
	}
	es, err := h.deps.Customers.Ledger(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range es {
		amount := m.Won(e.Amount)
		if e.Amount > 0 {
			amount = "+" + amount
		}
		v.Ledger = append(v.Ledger, ledgerRow{At: m.Time(e.CreatedAt), Kind: m.T("cust.points." + e.Kind), Amount: amount,
			Balance: m.Won(e.BalanceAfter), Memo: e.Memo, Negative: e.Amount < 0})
	}
	as := cn.Revealed
	v.Revealed = as != nil
	if !v.Revealed {
		if as, err = h.deps.Customers.Addresses(ctx, t.ID); err != nil {
			return nil, err
		}
	}
	for _, a := range as {
		row := addressRow{Default: a.IsDefault, Added: m.Time(a.CreatedAt)}
		if v.Revealed {
			row.Label, row.Recipient, row.Phone, row.Postcode = a.Label, a.Recipient, a.Phone, a.Postcode
			row.Line1, row.Line2, row.Note = a.Line1, a.Line2, a.Note
		} else {
			row.Recipient, row.Phone, row.Postcode, row.Line1 = masked, masked, masked, masked
		}
		v.Addresses = append(v.Addresses, row)
	}
	return v, nil
}

// careFields translates the field errors of a customer form.
func careFields(m *messages, inv *fault.Invalid) map[string]string {
	out := map[string]string{}
	for k, msg := range inv.Fields {
		out[k] = fieldText(m, msg)
	}
	return out
}

// adjustPoints adds or takes points with a reason.
func (h *Handler) adjustPoints(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	raw := strings.TrimSpace(r.PostFormValue("delta"))
	reason := r.PostFormValue("reason")
	note := careNote{Form: "points", Delta: raw, Reason: reason}
	delta, perr := strconv.ParseInt(strings.ReplaceAll(raw, ",", ""), 10, 64)
	if perr != nil {
		note.Fields = map[string]string{"delta": m.T("cust.points.delta.bad")}
		return h.showUserWith(w, r, m, u, http.StatusUnprocessableEntity, "", m.T("form.fix"), note)
	}
	balance, err := h.deps.Customers.AdjustPoints(r.Context(), staffActor(r, u), id, delta, reason)
	if inv, ok := fault.AsInvalid(err); ok {
		note.Fields = careFields(m, inv)
		return h.showUserWith(w, r, m, u, http.StatusUnprocessableEntity, "", m.T("form.fix"), note)
	}
	if err != nil {
		return err
	}
	h.log.InfoContext(r.Context(), "points adjusted in the back office", "actor_id", u.ID, "user_id", id)
	return h.showUserWith(w, r, m, u, http.StatusOK, m.F("cust.points.done", m.Won(balance)), "", careNote{})
}

// revealAddresses shows the addresses decrypted; the service audits the
// viewing first.
func (h *Handler) revealAddresses(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	as, err := h.deps.Customers.RevealAddresses(r.Context(), staffActor(r, u), id)
	if err != nil {
		return err
	}
	if as == nil {
		as = []address.Address{}
	}
	return h.showUserWith(w, r, m, u, http.StatusOK, m.T("cust.addr.revealed"), "", careNote{Revealed: as})
}

func (h *Handler) blockCustomer(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	return h.blockStep(w, r, m, u, true)
}

func (h *Handler) unblockCustomer(w http.ResponseWriter, r *http.Request, m *messages, u account.User) error {
	return h.blockStep(w, r, m, u, false)
}

// blockStep blocks or unblocks the customer with the reason typed.
func (h *Handler) blockStep(w http.ResponseWriter, r *http.Request, m *messages, u account.User, block bool) error {
	id := pathID(r)
	if id == 0 {
		return fault.ErrNotFound
	}
	reason := r.PostFormValue("reason")
	var err error
	if block {
		err = h.deps.Customers.Block(r.Context(), staffActor(r, u), id, reason)
	} else {
		err = h.deps.Customers.Unblock(r.Context(), staffActor(r, u), id, reason)
	}
	if inv, ok := fault.AsInvalid(err); ok {
		return h.showUserWith(w, r, m, u, http.StatusUnprocessableEntity, "", m.T("form.fix"),
			careNote{Form: "block", Reason: reason, Fields: careFields(m, inv)})
	}
	if errors.Is(err, fault.ErrConflict) {
		return h.showUserWith(w, r, m, u, http.StatusConflict, "", m.T("cust.block.conflict"), careNote{})
	}
	if err != nil {
		return err
	}
	h.log.InfoContext(r.Context(), "customer block changed in the back office", "actor_id", u.ID, "user_id", id, "blocked", block)
	done := "cust.unblock.done"
	if block {
		done = "cust.block.done"
	}
	return h.showUserWith(w, r, m, u, http.StatusOK, m.T(done), "", careNote{})
}

// customerTexts are the customer page's texts, {Korean, English}.
var customerTexts = map[string][2]string{
	"cust.profile":                          {"회원 정보", "Profile"},
	"cust.phone":                            {"휴대폰 번호", "Mobile phone"},
	"cust.grade":                            {"회원 등급", "Grade"},
	"cust.state":                            {"이용 상태", "Standing"},
	"cust.state.ok":                         {"정상", "In good standing"},
	"cust.state.blocked":                    {"이용 제한 (%s부터)", "Blocked (since %s)"},
	"cust.consents":                         {"동의 이력", "Consent history"},
	"cust.consents.none":                    {"동의 기록이 없습니다.", "No consent recorded."},
	"cust.consent.terms":                    {"이용약관", "Terms of use"},
	"cust.consent.privacy":                  {"개인정보처리방침", "Privacy policy"},
	"cust.consent.version":                  {"%s (제%d판)", "%s (version %d)"},
	"cust.consent.marketing":                {"마케팅 정보 수신", "Marketing messages"},
	"cust.consent.given":                    {"동의", "Given"},
	"cust.consent.withdrawn":                {"철회 (미동의)", "Withdrawn (not given)"},
	"cust.consent.kind":                     {"항목", "Consent"},
	"cust.consent.state":                    {"내용", "State"},
	"cust.when":                             {"일시", "When"},
	"cust.logins":                           {"로그인 기록", "Sign-in history"},
	"cust.logins.none":                      {"로그인 기록이 없습니다.", "No sign-in recorded."},
	"cust.login.password":                   {"비밀번호", "Password"},
	"cust.login.social":                     {"소셜 로그인", "Social"},
	"cust.login.method":                     {"방법", "Method"},
	"cust.login.result":                     {"결과", "Result"},
	"cust.login.ok":                         {"성공", "Succeeded"},
	"cust.login.fail":                       {"실패", "Failed"},
	"cust.login.ip":                         {"IP 주소", "IP address"},
	"cust.login.agent":                      {"브라우저 정보", "User agent"},
	"cust.points":                           {"적립금", "Points"},
	"cust.points.balance":                   {"보유 적립금", "Balance"},
	"cust.points.debt":                      {"환불로 회수할 적립금이 남아 잔액이 마이너스입니다. 이후 적립금으로 먼저 갚아지며, 그동안 적립금을 쓰거나 차감할 수 없습니다.", "The balance is below zero: refunds took back points already spent. Later credits pay it off first; until then points cannot be spent or taken."},
	"cust.points.none":                      {"최근 12개월 적립금 내역이 없습니다.", "No points in the last 12 months."},
	"cust.points.delta":                     {"조정 금액 (빼려면 -)", "Amount (negative to take)"},
	"cust.points.delta.hint":                {"예: 3000 또는 -1500. 잔액보다 많이 뺄 수 없습니다.", "For example 3000 or -1500. No more than the balance can be taken."},
	"cust.points.delta.bad":                 {"숫자로 입력하세요 (빼려면 앞에 -).", "Type a whole number (negative to take)."},
	"cust.points.reason":                    {"사유 (고객에게 보입니다)", "Reason (the customer sees it)"},
	"cust.points.submit":                    {"적립금 조정", "Adjust points"},
	"cust.points.done":                      {"적립금을 조정했습니다. 잔액: %s", "Points adjusted. Balance: %s"},
	"cust.points.kind":                      {"구분", "Kind"},
	"cust.points.amount":                    {"금액", "Amount"},
	"cust.points.after":                     {"잔액", "Balance after"},
	"cust.points.memo":                      {"내용", "Memo"},
	"cust.points.earn":                      {"적립", "Earned"},
	"cust.points.spend":                     {"사용", "Spent"},
	"cust.points.expire":                    {"소멸", "Expired"},
	"cust.points.adjust":                    {"직원 조정", "Staff adjustment"},
	"cust.points.refund":                    {"사용 취소 환급", "Given back"},
	"cust.points.revoke":                    {"환불로 회수", "Taken back"},
	"cust.addr":                             {"배송지", "Addresses"},
	"cust.addr.none":                        {"저장된 배송지가 없습니다.", "No address saved."},
	"cust.addr.masked":                      {"개인정보 보호를 위해 가려져 있습니다. 보기를 누르면 열람 기록(누가, 언제)이 감사 로그에 남습니다.", "Hidden to protect personal data. Revealing them records who viewed them, and when, in the audit log."},
	"cust.addr.reveal":                      {"배송지 보기", "Reveal addresses"},
	"cust.addr.revealed":                    {"배송지를 표시했습니다. 열람 기록이 감사 로그에 남았습니다.", "Addresses shown; the viewing is recorded in the audit log."},
	"cust.addr.default":                     {"기본", "Default"},
	"cust.addr.recipient":                   {"받는 분", "Recipient"},
	"cust.addr.address":                     {"주소", "Address"},
	"cust.addr.note":                        {"배송 메모", "Delivery note"},
	"cust.block":                            {"이용 제한", "Block"},
	"cust.block.intro":                      {"이용을 제한하면 고객은 로그인(웹, 앱, 소셜 로그인)과 주문을 할 수 없고, 로그인된 곳에서 모두 로그아웃됩니다. 사유는 고객에게 그대로 보입니다.", "A blocked customer cannot sign in (web, API, social) or order, and is signed out everywhere. They see the reason as written."},
	"cust.block.reason":                     {"사유", "Reason"},
	"cust.block.submit":                     {"이용 제한", "Block the customer"},
	"cust.unblock.submit":                   {"이용 제한 해제", "Unblock the customer"},
	"cust.unblock.reason":                   {"해제 사유 (감사 로그에 남습니다)", "Reason (for the audit log)"},
	"cust.block.done":                       {"이용을 제한했습니다. 고객의 로그인이 모두 끝났습니다.", "The customer is blocked and signed out everywhere."},
	"cust.unblock.done":                     {"이용 제한을 해제했습니다.", "The customer is unblocked."},
	"cust.block.conflict":                   {"이미 처리된 상태입니다. 다른 직원이 먼저 바꿨을 수 있습니다.", "Nothing to do: a colleague may have changed it first."},
	"v.is more than the customer's balance": {"고객의 적립금 잔액보다 많이 뺄 수 없습니다. 잔액이 마이너스이면 차감할 수 없습니다.", "Cannot take more than the customer's balance (nothing while it is below zero)."},
	"v.must not be zero":                    {"0이 아닌 금액을 입력하세요.", "Must not be zero."},
	"v.must be at most 10000000 points either way": {"한 번에 1,000만 포인트까지 조정할 수 있습니다.", "At most 10,000,000 points either way."},
	"v.must be at most 500 characters":             {"500자 이하여야 합니다.", "Must be at most 500 characters."},
}
