package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/mallang/mallang/internal/account"
	"github.com/mallang/mallang/internal/account/address"
	"github.com/mallang/mallang/internal/order"
	"github.com/mallang/mallang/internal/phone"
	"github.com/mallang/mallang/internal/security"
)

// prefillCheckout fills a fresh checkout's address as the customer is
// likely to want it: the default address of the book when there is one;
// else the book's address the last order went to; else the new-address
// form, filled with the last order's recipient and address, or for a first
// order with the account's name and phone. The new-address form carries
// the last order's (or the account's) recipient in every case, so switching
// to it starts from there.
func (h *Handler) prefillCheckout(ctx context.Context, u account.User, in *order.PlaceInput, v *checkoutView) error {
	v.New = address.Input{Recipient: u.Name, Phone: phone.Format(u.Phone)}
	last, haveLast, err := h.lastAddress(ctx, u.ID)
	if err != nil {
		return err
	}
	if haveLast {
		v.New = address.Input{Recipient: last.Recipient, Phone: phone.Format(last.Phone), Postcode: last.Postcode, Line1: last.Line1, Line2: last.Line2}
	}
	as, err := h.acc.Addresses.List(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, a := range as {
		if a.IsDefault {
			return nil // fillCheckout chooses it
		}
	}
	if haveLast {
		for _, a := range as {
			if a.Recipient == last.Recipient && a.Phone == last.Phone && a.Postcode == last.Postcode && a.Line1 == last.Line1 && a.Line2 == last.Line2 {
				v.AddressSel, in.AddressID = strconv.FormatInt(a.ID, 10), a.ID
				return nil
			}
		}
		in.Address = &last // priced with its postcode (remote-area surcharge)
	}
	v.AddressSel = "new"
	return nil
}

// lastAddress returns where the customer's latest order went, or false
// when there is none (or its address was erased).
func (h *Handler) lastAddress(ctx context.Context, userID int64) (order.Address, bool, error) {
	os, err := h.acc.Orders.List(ctx, userID, 1, 0)
	if err != nil || len(os) == 0 {
		return order.Address{}, false, err
	}
	o, err := h.acc.Orders.ByNumber(ctx, userID, os[0].Number)
	if err != nil {
		return order.Address{}, false, err
	}
	return o.Address, o.Address.Recipient != "" && o.Address.Line1 != "", nil
}

// allowPostcode lets the page load the Kakao (Daum) postcode search, which
// static/postcode.js adds to the postcode field of an address form.
func (h *Handler) allowPostcode(w http.ResponseWriter, p *page) {
	w.Header().Set("Content-Security-Policy", security.PostcodeCSP)
	p.Scripts = append(p.Scripts, h.assets.url("postcode.js"))
}
