package api

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/settings"
)

// Settings is what the settings endpoints use (*settings.Service); see its
// methods for the errors.
type Settings interface {
	Current(ctx context.Context) settings.Settings
	Update(ctx context.Context, by audit.Actor, in settings.Settings) (settings.Settings, error)
	PublishLegal(ctx context.Context, by audit.Actor, in settings.NewLegalVersion) (settings.LegalVersion, error)
	LegalVersions(ctx context.Context, doc settings.Document) ([]settings.LegalVersion, error)
}

// ShopSettings are the shop's settings as the API reads and writes them.
type ShopSettings struct {
	Version  int64  `json:"version" doc:"The version read; send it back with a change, which is refused (409) when someone changed the settings since." example:"3"`
	ShopName string `json:"shop_name" maxLength:"300" example:"말랑 상점"`
	Logo     string `json:"logo" maxLength:"1500" doc:"A path on the shop (/media/…), or empty to show the name." example:""`
	Contact  struct {
		Phone string `json:"phone" maxLength:"300" example:"1588-0000"`
		Email string `json:"email" maxLength:"300" example:"help@mallang.example"`
		Hours string `json:"hours" maxLength:"300" example:"평일 10:00~17:00"`
	} `json:"contact"`
	Business struct {
		Name           string `json:"name" maxLength:"300" doc:"상호" example:"주식회사 말랑(예시)"`
		Representative string `json:"representative" maxLength:"300" doc:"대표자" example:"김말랑"`
		Registration   string `json:"registration" maxLength:"40" doc:"사업자등록번호: 10 digits, dashes allowed, checked with the National Tax Service's check digit; read back as 10 digits." example:"1234567891"`
		MailOrder      string `json:"mail_order" maxLength:"300" doc:"통신판매업 신고번호" example:"제2026-서울마포-0000호"`
		Address        string `json:"address" maxLength:"600" example:"서울특별시 마포구 예시로 1"`
		PrivacyName    string `json:"privacy_name" maxLength:"300" doc:"개인정보보호책임자" example:"이보호"`
		PrivacyEmail   string `json:"privacy_email" maxLength:"300" example:"privacy@mallang.example"`
	} `json:"business"`
	BankAccounts []ShopBankAccount `json:"bank_accounts" maxItems:"3" nullable:"false" doc:"Accounts for bank transfers; orders are told the first. None: bank transfer is not offered."`
	DepositHours int               `json:"deposit_hours" doc:"How long a bank-transfer order waits for the money, 1–720 hours." example:"72"`
	ConfirmDays  int               `json:"confirm_days" doc:"Days after delivery when an order confirms itself, 1–60." example:"7"`
	ReturnFee    int64             `json:"return_fee" doc:"Return shipping for a change of mind, in won, 0–100,000." example:"6000"`
	GradeWindow  int               `json:"grade_window_days" doc:"Days of orders the monthly evaluation of membership grades counts, 1–730." example:"90"`
	PaymentsOff  []string          `json:"payments_off" nullable:"false" maxItems:"20" doc:"Ways to pay switched off (keys of GET /api/v1/payment-methods when on); checkout leaves them out and refuses them." example:"[\"paypal\"]"`
	Attendance   ShopAttendance    `json:"attendance" doc:"The attendance check (출석체크)."`
	Messaging    ShopMessaging     `json:"messaging" doc:"Order notices by Kakao 알림톡."`
	Reviews      ShopReviews       `json:"reviews" doc:"Product reviews: their points and the request mail."`
	Automations  ShopAutomations   `json:"automations" doc:"The mails the shop sends by itself; each goes once."`
	Dormancy     ShopDormancy      `json:"dormancy" doc:"Dormant accounts (휴면 계정): customers who do not sign in for months are told 30 days ahead, then their personal data is set apart and the account locked until they sign in again and confirm by email."`
}

// ShopDormancy is the dormant-account policy.
type ShopDormancy struct {
	On        bool       `json:"on" doc:"Customers without a sign-in for months go dormant. Switching it on or shortening months mails every member once."`
	Months    int        `json:"months" doc:"Months without a sign-in, 1–60." example:"12"`
	ChangedAt *time.Time `json:"changed_at,omitempty" readOnly:"true" doc:"When the policy last became stricter (members were told); ignored when sent." example:"2026-12-01T00:00:00Z"`
}

// ShopAutomations are the automatic mails.
type ShopAutomations struct {
	CartReminder        bool     `json:"cart_reminder" doc:"Remind customers who agreed to marketing mail of a cart left untouched (sent 08:00–21:00 Asia/Seoul only)."`
	CartHours           int      `json:"cart_hours" doc:"Hours a cart stays untouched before the reminder, 1–168." example:"24"`
	PointsNotice        bool     `json:"points_notice" doc:"Tell customers ahead that points expire."`
	PointsDays          int      `json:"points_days" doc:"Days ahead of the expiry, 1–90." example:"30"`
	ConfirmReminder     bool     `json:"confirm_reminder" doc:"Remind customers to confirm a delivered order."`
	ConfirmDays         int      `json:"confirm_reminder_days" doc:"Days after delivery, 1–60." example:"3"`
	DailyReport         bool     `json:"daily_report" doc:"Mail yesterday's sales to report_to."`
	ReportHour          int      `json:"report_hour" doc:"Hour the report goes, 0–23 (Asia/Seoul)." example:"8"`
	ReportTo            []string `json:"report_to" nullable:"false" maxItems:"10" doc:"Addresses of the daily report." example:"[\"boss@mallang.example\"]"`
	BirthdayCoupon      bool     `json:"birthday_coupon" doc:"Give every customer who gave a birthday a coupon once a year, issued 08:00–21:00 Asia/Seoul; customers who agreed to marketing mail are told by mail."`
	BirthdayKind        string   `json:"birthday_kind" doc:"The birthday coupon's kind: won off (fixed) or percent off (percent)." example:"fixed"`
	BirthdayAmount      int64    `json:"birthday_amount" doc:"Won off (1–10,000,000) or percent off (1–100)." example:"3000"`
	BirthdayMaxDiscount int64    `json:"birthday_max_discount" doc:"The most a percent birthday coupon takes off, in won; 0: no cap." example:"0"`
	BirthdayMinOrder    int64    `json:"birthday_min_order" doc:"The smallest order the birthday coupon applies to, in won; 0: any." example:"0"`
	BirthdayValidDays   int      `json:"birthday_valid_days" doc:"Days the birthday coupon can be used from its issue, 1–365." example:"30"`
	BirthdayDaysBefore  int      `json:"birthday_days_before" doc:"Days before the birthday the coupon is issued, 0–30." example:"7"`
}

// ShopReviews is the product review policy.
type ShopReviews struct {
	TextPoints       int64 `json:"text_points" doc:"Points a review without photos earns, once per line ordered, 0–100,000." example:"100"`
	PhotoPoints      int64 `json:"photo_points" doc:"Points a review with photos earns, once per line ordered, 0–100,000." example:"500"`
	RequestAfterDays int   `json:"request_after_days" doc:"Days after delivery when the customer is asked once by mail to review; 0: never; at most 90." example:"7"`
}

// ShopAttendance is the attendance check policy.
type ShopAttendance struct {
	On          bool  `json:"on" doc:"Customers can check in once a day (Asia/Seoul)."`
	Points      int64 `json:"points" doc:"Points each day's check earns, 0–10,000." example:"10"`
	StreakDays  int   `json:"streak_days" doc:"Every this many days in a row also earns streak_bonus; 0: no bonus; at most 31." example:"7"`
	StreakBonus int64 `json:"streak_bonus" doc:"Points of the streak bonus, 0–100,000." example:"100"`
}

// ShopBankAccount is an account bank transfers go to.
type ShopBankAccount struct {
	Bank    string `json:"bank" maxLength:"120" example:"말랑은행"`
	Account string `json:"account" maxLength:"120" example:"123-456-789012"`
	Holder  string `json:"holder" maxLength:"180" example:"(주)말랑"`
}

func newShopSettings(st settings.Settings) ShopSettings {
	out := ShopSettings{Version: st.Version, ShopName: st.ShopName, Logo: st.Logo, DepositHours: st.DepositHours,
		ConfirmDays: st.ConfirmDays, ReturnFee: st.ReturnFee, GradeWindow: st.GradeWindowDays, BankAccounts: []ShopBankAccount{}, PaymentsOff: []string{},
		Attendance: ShopAttendance(st.Attendance), Automations: ShopAutomations(st.Automations), Messaging: newShopMessaging(st.Messaging),
		Reviews: ShopReviews(st.Reviews), Dormancy: ShopDormancy{On: st.Dormancy.On, Months: st.Dormancy.Months}}
	if !st.Dormancy.ChangedAt.IsZero() {
		at := st.Dormancy.ChangedAt
		out.Dormancy.ChangedAt = &at
	}
	if out.Automations.ReportTo == nil {
		out.Automations.ReportTo = []string{}
	}
	out.Contact.Phone, out.Contact.Email, out.Contact.Hours = st.Contact.Phone, st.Contact.Email, st.Contact.Hours
	b := st.Business
	out.Business.Name, out.Business.Representative, out.Business.Registration = b.Name, b.Representative, b.Registration
	out.Business.MailOrder, out.Business.Address, out.Business.PrivacyName, out.Business.PrivacyEmail = b.MailOrder, b.Address, b.PrivacyName, b.PrivacyEmail
	for _, a := range st.BankAccounts {
		out.BankAccounts = append(out.BankAccounts, ShopBankAccount(a))
	}
	out.PaymentsOff = append(out.PaymentsOff, st.PaymentsOff...)
	return out
}

func (s ShopSettings) settings() settings.Settings {
	st := settings.Settings{Version: s.Version, ShopName: s.ShopName, Logo: s.Logo, DepositHours: s.DepositHours,
		ConfirmDays: s.ConfirmDays, ReturnFee: s.ReturnFee, GradeWindowDays: s.GradeWindow, PaymentsOff: s.PaymentsOff,
		Attendance: settings.Attendance(s.Attendance), Automations: settings.Automations(s.Automations), Messaging: s.Messaging.settings(),
		Reviews:  settings.Reviews(s.Reviews),
		Dormancy: settings.Dormancy{On: s.Dormancy.On, Months: s.Dormancy.Months},
		Contact:  settings.Contact{Phone: s.Contact.Phone, Email: s.Contact.Email, Hours: s.Contact.Hours},
		Business: settings.Business{Name: s.Business.Name, Representative: s.Business.Representative,
			Registration: s.Business.Registration, MailOrder: s.Business.MailOrder, Address: s.Business.Address,
			PrivacyName: s.Business.PrivacyName, PrivacyEmail: s.Business.PrivacyEmail}}
	for _, a := range s.BankAccounts {
		st.BankAccounts = append(st.BankAccounts, settings.BankAccount(a))
	}
	return st
}

// settingsFields say where the settings service's *fault.Invalid fields
// are in a request body.
var settingsFields = func() map[string]string {
	m := map[string]string{"shop_name": "body.shop_name", "logo": "body.logo", "contact_phone": "body.contact.phone",
		"contact_email": "body.contact.email", "contact_hours": "body.contact.hours", "business_name": "body.business.name",
		"representative": "body.business.representative", "registration": "body.business.registration",
		"mail_order": "body.business.mail_order", "address": "body.business.address", "privacy_name": "body.business.privacy_name",
		"privacy_email": "body.business.privacy_email", "deposit_hours": "body.deposit_hours", "confirm_days": "body.confirm_days",
		"return_fee": "body.return_fee", "grade_window_days": "body.grade_window_days", "payments_off": "body.payments_off", "bank_accounts": "body.bank_accounts",
		"attendance_points": "body.attendance.points", "streak_days": "body.attendance.streak_days", "streak_bonus": "body.attendance.streak_bonus",
		"cart_hours": "body.automations.cart_hours", "points_days": "body.automations.points_days",
		"confirm_reminder_days": "body.automations.confirm_reminder_days", "report_hour": "body.automations.report_hour",
		"report_to":     "body.automations.report_to",
		"birthday_kind": "body.automations.birthday_kind", "birthday_amount": "body.automations.birthday_amount",
		"birthday_max_discount": "body.automations.birthday_max_discount", "birthday_min_order": "body.automations.birthday_min_order",
		"birthday_valid_days": "body.automations.birthday_valid_days", "birthday_days_before": "body.automations.birthday_days_before",
		"review_text_points": "body.reviews.text_points", "review_photo_points": "body.reviews.photo_points",
		"review_request_days": "body.reviews.request_after_days", "dormancy_months": "body.dormancy.months"}
	maps.Copy(m, messagingFields)
	for i := range settings.MaxBankAccounts {
		n := strconv.Itoa(i)
		for _, f := range []string{"bank", "account", "holder"} {
			m["bank_accounts."+n+"."+f] = "body.bank_accounts[" + n + "]." + f
		}
	}
	return m
}()

// LegalVersion is a version of a legal document.
type LegalVersion struct {
	Version     int64     `json:"version" example:"2"`
	EffectiveAt time.Time `json:"effective_at" doc:"When it takes (or took) effect." example:"2026-12-01T00:00:00Z"`
	CreatedAt   time.Time `json:"created_at" example:"2026-11-24T02:00:00Z"`
	URL         string    `json:"url" doc:"Its page on the shop." example:"https://shop.example.com/terms/2"`
}

type settingsOutput struct{ Body ShopSettings }

type updateSettingsInput struct{ Body ShopSettings }

type legalDocInput struct {
	Document string `path:"document" enum:"terms,privacy" doc:"terms (이용약관) or privacy (개인정보처리방침)."`
}

type legalVersionsOutput struct {
	Body []LegalVersion `nullable:"false"`
}

type publishLegalInput struct {
	Document string `path:"document" enum:"terms,privacy"`
	Body     struct {
		Text        string    `json:"text" maxLength:"400000" doc:"Plain text, at most 100,000 characters; a blank line separates paragraphs." example:"제1조 (목적) …"`
		EffectiveAt time.Time `json:"effective_at" doc:"When it takes effect: now or later, never earlier than today." example:"2026-12-08T00:00:00+09:00"`
	}
}

type legalVersionOutput struct{ Body LegalVersion }

// EnableSettings adds the staff's settings endpoints under
// /api/v1/admin/settings and /api/v1/admin/legal, each needing the
// settings scope. Call it after EnableAccounts and before Register.
func (a *API) EnableSettings(s Settings) {
	if a.acc == nil || s == nil {
		panic("api: EnableSettings needs EnableAccounts first, and the settings")
	}
	doc := a.huma.OpenAPI()
	doc.Tags = append(doc.Tags, &huma.Tag{Name: "Settings", Description: "The shop's settings and legal documents, for staff " +
		"with the settings permission."})
	op := func(id, method, path, summary, desc string, status int, errs ...int) huma.Operation {
		o := a.staffOp(huma.Operation{OperationID: id, Method: method, Path: Prefix + "/admin" + path, Summary: summary,
			Description: "For staff with the settings permission, with a staff token carrying the settings scope (any other " +
				"token gets 403). " + desc, DefaultStatus: status, Errors: append([]int{http.StatusForbidden}, errs...)}, account.PermSettings)
		o.Tags = []string{"Settings"}
		return o
	}
	huma.Register(a.huma, op("get-settings", http.MethodGet, "/settings", "Get the shop's settings",
		"Returns the settings every node of the shop follows.", 0),
		func(ctx context.Context, _ *struct{}) (*settingsOutput, error) {
			if _, err := settingsActor(ctx); err != nil {
				return nil, err
			}
			return &settingsOutput{Body: newShopSettings(s.Current(ctx))}, nil
		})
	huma.Register(a.huma, op("update-settings", http.MethodPut, "/settings", "Change the shop's settings",
		"Stores the whole settings, audited; every node follows within seconds. 422 names every field at fault "+
			"(nothing is stored); 409 when version is not the one stored (someone changed them since: read them again).", 0,
		http.StatusConflict, http.StatusUnprocessableEntity),
		func(ctx context.Context, in *updateSettingsInput) (*settingsOutput, error) {
			by, err := settingsActor(ctx)
			if err != nil {
				return nil, err
			}
			st, err := s.Update(ctx, by, in.Body.settings())
			if errors.Is(err, settings.ErrStale) {
				return nil, newProblem(http.StatusConflict, "The settings changed since version "+strconv.FormatInt(in.Body.Version, 10)+
					" was read. Read them again and send the change on the new version.")
			}
			if err != nil {
				return nil, a.fieldProblem(ctx, err, settingsFields, "body")
			}
			return &settingsOutput{Body: newShopSettings(st)}, nil
		})
	huma.Register(a.huma, op("list-legal-versions", http.MethodGet, "/legal/{document}", "List a legal document's versions",
		"Returns the versions of the terms of use or the privacy policy, newest first.", 0, http.StatusUnprocessableEntity),
		func(ctx context.Context, in *legalDocInput) (*legalVersionsOutput, error) {
			if _, err := settingsActor(ctx); err != nil {
				return nil, err
			}
			d := settings.Document(in.Document)
			list, err := s.LegalVersions(ctx, d)
			if err != nil {
				return nil, a.problem(ctx, err, "path")
			}
			out := &legalVersionsOutput{Body: make([]LegalVersion, 0, len(list))}
			for _, lv := range list {
				out.Body = append(out.Body, a.newLegalVersion(lv))
			}
			return out, nil
		})
	huma.Register(a.huma, op("publish-legal-version", http.MethodPost, "/legal/{document}", "Publish a legal document's next version",
		"Stores the text as the document's next version, in effect from effective_at, audited. The shop shows the "+
			"version in force and links the others; sign-ups record the version in force. Returns 201. 422 names "+
			"body.text or body.effective_at (missing, or before today).", http.StatusCreated, http.StatusConflict, http.StatusUnprocessableEntity),
		func(ctx context.Context, in *publishLegalInput) (*legalVersionOutput, error) {
			by, err := settingsActor(ctx)
			if err != nil {
				return nil, err
			}
			lv, err := s.PublishLegal(ctx, by, settings.NewLegalVersion{Document: settings.Document(in.Document),
				Body: in.Body.Text, EffectiveAt: in.Body.EffectiveAt})
			if err != nil {
				return nil, a.fieldProblem(ctx, err, map[string]string{"body": "body.text", "effective_at": "body.effective_at",
					"document": "path.document"}, "body")
			}
			return &legalVersionOutput{Body: a.newLegalVersion(lv)}, nil
		})
	documentErrorHeaders(doc)
	a.renderSpec()
}

func (a *API) newLegalVersion(lv settings.LegalVersion) LegalVersion {
	return LegalVersion{Version: lv.Version, EffectiveAt: lv.EffectiveAt.UTC(), CreatedAt: lv.CreatedAt.UTC(),
		URL: a.cfg.BaseURL + "/" + string(lv.Document) + "/" + strconv.FormatInt(lv.Version, 10)}
}

// settingsActor is the signed-in staff member of ctx, once their token's
// settings scope is checked.
func settingsActor(ctx context.Context) (audit.Actor, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return audit.Actor{}, err
	}
	if err := needScope(ctx, account.PermSettings); err != nil {
		return audit.Actor{}, err
	}
	return apiActor(ctx, u), nil
}
