package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/mallang/mallang/internal/account/address"
)

// Address is a delivery address of the signed-in customer.
type Address struct {
	ID        int64     `json:"id" example:"7"`
	Label     string    `json:"label" doc:"The customer's name for the address; may be empty." example:"집"`
	Recipient string    `json:"recipient" example:"김말랑"`
	Phone     string    `json:"phone" doc:"The recipient's phone number in E.164." example:"+821012345678"`
	Postcode  string    `json:"postcode" doc:"The five-digit postcode (우편번호)." example:"06236"`
	Line1     string    `json:"line1" doc:"The road or lot address." example:"서울특별시 강남구 테헤란로 427"`
	Line2     string    `json:"line2" doc:"The detail (building, floor, unit); may be empty." example:"위워크타워 10층"`
	Note      string    `json:"note" doc:"The delivery note for the courier; may be empty." example:"문 앞에 놓아 주세요"`
	IsDefault bool      `json:"is_default" doc:"Whether checkout picks this address first. A customer with addresses has exactly one default." example:"true"`
	CreatedAt time.Time `json:"created_at" example:"2026-11-30T01:00:00Z"`
	UpdatedAt time.Time `json:"updated_at" example:"2026-11-30T01:00:00Z"`
}

func newAddress(a address.Address) Address {
	return Address{
		ID: a.ID, Label: a.Label, Recipient: a.Recipient, Phone: a.Phone, Postcode: a.Postcode,
		Line1: a.Line1, Line2: a.Line2, Note: a.Note, IsDefault: a.IsDefault,
		CreatedAt: a.CreatedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC(),
	}
}

// AddressInput is an address as the customer enters it. Values are trimmed;
// the phone number may be typed in any usual Korean form.
type AddressInput struct {
	Label       string `json:"label,omitempty" maxLength:"30" doc:"A name for the address, such as 집 or 회사." example:"집"`
	Recipient   string `json:"recipient" maxLength:"50" example:"김말랑"`
	Phone       string `json:"phone" maxLength:"32" doc:"Korean numbers in any usual form, others with their + country code." example:"010-1234-5678"`
	Postcode    string `json:"postcode" maxLength:"5" doc:"Five digits." example:"06236"`
	Line1       string `json:"line1" maxLength:"200" doc:"The road or lot address." example:"서울특별시 강남구 테헤란로 427"`
	Line2       string `json:"line2,omitempty" maxLength:"200" doc:"The detail (building, floor, unit)." example:"위워크타워 10층"`
	Note        string `json:"note,omitempty" maxLength:"100" doc:"A delivery note for the courier." example:"문 앞에 놓아 주세요"`
	MakeDefault bool   `json:"make_default,omitempty" doc:"Make this the default address. False never takes the default away; the first address is the default anyway." example:"false"`
}

func (in AddressInput) input() address.Input {
	return address.Input{
		Label: in.Label, Recipient: in.Recipient, Phone: in.Phone, Postcode: in.Postcode,
		Line1: in.Line1, Line2: in.Line2, Note: in.Note, MakeDefault: in.MakeDefault,
	}
}

// AddressList is the signed-in customer's address book.
type AddressList struct {
	Items []Address `json:"items" nullable:"false" doc:"The default address first, then the newest first; empty when the book is."`
}

type addressListOutput struct {
	Body AddressList
}

type addressOutput struct {
	Body Address
}

type createdAddressOutput struct {
	Location string `header:"Location" doc:"The URL of the new address."`
	Body     Address
}

type addressIDInput struct {
	ID int64 `path:"id" minimum:"1" doc:"The address's id." example:"7"`
}

type addressWriteInput struct {
	Body AddressInput
}

type addressUpdateInput struct {
	ID   int64 `path:"id" minimum:"1" doc:"The address's id." example:"7"`
	Body AddressInput
}

const addressNotFound = "An address id that does not exist, or that belongs to someone else, is 404."

func (a *API) registerAddresses() {
	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "list-addresses",
		Method:      http.MethodGet,
		Path:        Prefix + "/me/addresses",
		Summary:     "List my addresses",
		Description: "Returns the signed-in customer's addresses, the default first.",
	}, "Addresses", true), a.listAddresses)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "create-address",
		Method:      http.MethodPost,
		Path:        Prefix + "/me/addresses",
		Summary:     "Add an address",
		Description: "Adds an address to the book and returns it with its URL in Location. The first address becomes the default, as does one sent with make_default. " +
			"Invalid fields give 422 naming each (body.recipient, body.phone, body.postcode, body.line1, body.line2, body.label, body.note); " +
			"a book already holding " + strconv.Itoa(address.MaxPerUser) + " addresses gives 422 naming body.address.",
		DefaultStatus: http.StatusCreated,
		Errors:        []int{http.StatusUnprocessableEntity},
	}, "Addresses", true), a.createAddress)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "get-address",
		Method:      http.MethodGet,
		Path:        Prefix + "/me/addresses/{id}",
		Summary:     "Get an address",
		Description: "Returns one of the signed-in customer's addresses. " + addressNotFound,
		Errors:      []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, "Addresses", true), a.getAddress)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "update-address",
		Method:      http.MethodPut,
		Path:        Prefix + "/me/addresses/{id}",
		Summary:     "Replace an address",
		Description: "Replaces every field of the address (fields left out become empty, so required ones must be sent) and returns it; make_default true also makes it the default. " +
			addressNotFound + " Invalid fields give 422 as for adding.",
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, "Addresses", true), a.updateAddress)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID:   "delete-address",
		Method:        http.MethodDelete,
		Path:          Prefix + "/me/addresses/{id}",
		Summary:       "Delete an address",
		Description:   "Removes the address. When it was the default, the newest remaining address becomes the default. " + addressNotFound,
		DefaultStatus: http.StatusNoContent,
		Errors:        []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, "Addresses", true), a.deleteAddress)

	huma.Register(a.huma, a.accountOp(huma.Operation{
		OperationID: "set-default-address",
		Method:      http.MethodPost,
		Path:        Prefix + "/me/addresses/{id}/default",
		Summary:     "Make an address the default",
		Description: "Makes the address the default, taking it from the old default; returns the address. Doing it again changes nothing. " + addressNotFound,
		Errors:      []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, "Addresses", true), a.setDefaultAddress)
}

func (a *API) listAddresses(ctx context.Context, _ *struct{}) (*addressListOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	as, err := a.acc.Addresses.List(ctx, u.ID)
	if err != nil {
		return nil, a.problem(ctx, err, "body")
	}
	out := &addressListOutput{Body: AddressList{Items: make([]Address, 0, len(as))}}
	for _, ad := range as {
		out.Body.Items = append(out.Body.Items, newAddress(ad))
	}
	return out, nil
}

func (a *API) createAddress(ctx context.Context, in *addressWriteInput) (*createdAddressOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	ad, err := a.acc.Addresses.Create(ctx, u.ID, in.Body.input())
	if err != nil {
		return nil, a.problem(ctx, err, "body")
	}
	return &createdAddressOutput{
		Location: a.absURL(Prefix + "/me/addresses/" + strconv.FormatInt(ad.ID, 10)),
		Body:     newAddress(ad),
	}, nil
}

func (a *API) getAddress(ctx context.Context, in *addressIDInput) (*addressOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	ad, err := a.acc.Addresses.Get(ctx, u.ID, in.ID)
	if err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	return &addressOutput{Body: newAddress(ad)}, nil
}

func (a *API) updateAddress(ctx context.Context, in *addressUpdateInput) (*addressOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	ad, err := a.acc.Addresses.Update(ctx, u.ID, in.ID, in.Body.input())
	if err != nil {
		return nil, a.problem(ctx, err, "body")
	}
	return &addressOutput{Body: newAddress(ad)}, nil
}

func (a *API) deleteAddress(ctx context.Context, in *addressIDInput) (*struct{}, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.acc.Addresses.Delete(ctx, u.ID, in.ID); err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	return nil, nil
}

func (a *API) setDefaultAddress(ctx context.Context, in *addressIDInput) (*addressOutput, error) {
	u, err := signedIn(ctx)
	if err != nil {
		return nil, err
	}
	if err := a.acc.Addresses.SetDefault(ctx, u.ID, in.ID); err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	ad, err := a.acc.Addresses.Get(ctx, u.ID, in.ID)
	if err != nil {
		return nil, a.problem(ctx, err, "path")
	}
	return &addressOutput{Body: newAddress(ad)}, nil
}
