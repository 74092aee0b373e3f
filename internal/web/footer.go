package web

import (
	"context"

	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/phone"
	"github.com/mallang/mallang/internal/settings"
)

// Shop gives the shop's settings; *settings.Service implements it, from a
// cache that follows other nodes' changes within seconds, so a page never
// waits for it.
type Shop interface {
	Current(ctx context.Context) settings.Settings
	// CurrentLegal is the version of a legal document in force;
	// fault.ErrNotFound when none is.
	CurrentLegal(ctx context.Context, doc settings.Document) (settings.LegalVersion, error)
	// LegalVersion is version n of a document; fault.ErrNotFound when
	// there is none.
	LegalVersion(ctx context.Context, doc settings.Document, n int64) (settings.LegalVersion, error)
	// LegalVersions lists a document's versions, newest first.
	LegalVersions(ctx context.Context, doc settings.Document) ([]settings.LegalVersion, error)
}

// fixedShop is the Shop of a storefront built without settings (tests of
// the catalog pages alone): a name, and no legal documents.
type fixedShop settings.Settings

// Current returns the fixed settings.
func (f fixedShop) Current(context.Context) settings.Settings { return settings.Settings(f) }

// CurrentLegal finds none.
func (fixedShop) CurrentLegal(context.Context, settings.Document) (settings.LegalVersion, error) {
	return settings.LegalVersion{}, fault.ErrNotFound
}

// LegalVersion finds none.
func (fixedShop) LegalVersion(context.Context, settings.Document, int64) (settings.LegalVersion, error) {
	return settings.LegalVersion{}, fault.ErrNotFound
}

// LegalVersions lists none.
func (fixedShop) LegalVersions(context.Context, settings.Document) ([]settings.LegalVersion, error) {
	return nil, nil
}

// footer is what every page's footer shows of the business, as Korean
// e-commerce law asks: each field empty when the shop has not set it.
type footer struct {
	Name           string // 상호
	Representative string // 대표자
	Registration   string // 사업자등록번호, 123-45-67890
	LookupURL      string // the FTC's page for the number
	MailOrder      string // 통신판매업 신고번호
	Address        string
	Phone          string // 고객센터
	Email          string
	Hours          string
	PrivacyName    string // 개인정보보호책임자
	PrivacyEmail   string
}

// newFooter takes the footer's fields from the settings.
func newFooter(st settings.Settings) footer {
	b := st.Business
	f := footer{Name: b.Name, Representative: b.Representative, MailOrder: b.MailOrder, Address: b.Address,
		Phone: phone.Format(st.Contact.Phone), Email: st.Contact.Email, Hours: st.Contact.Hours,
		PrivacyName: b.PrivacyName, PrivacyEmail: b.PrivacyEmail}
	if d, ok := settings.ValidRegistration(b.Registration); ok {
		f.Registration, f.LookupURL = settings.FormatRegistration(d), settings.LookupURL(d)
	}
	return f
}
