package payment

import (
	"strconv"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/order"
)

// Who acts on a payment, as its events and refunds record it: the kind of
// actor beside the user id, so that a customer's cancel is never shown as a
// staff member's (both are users).
const (
	ByCustomer = "customer" // the order's customer: paying, coming back from the window, cancelling
	ByStaff    = "staff"    // a staff member in the back office or the API
	ByJob      = "job"      // the payment-sync and hourly reconciliation jobs
	ByProvider = "provider" // a provider's notification (webhook)
	BySystem   = "system"   // the shop itself, reacting to what it saw (a wrong amount given back)
)

// actorOfKind is who records events of kind when the caller names no one:
// the customer's browser prepares, confirms and comes back; providers
// notify; jobs look payments up; the rest is the shop's own doing.
func actorOfKind(kind string) string {
	switch kind {
	case evPrepare, evConfirm, evReturn:
		return ByCustomer
	case evWebhook:
		return ByProvider
	case evLookup:
		return ByJob
	}
	return BySystem
}

// eventActor is a's kind and user id as payment events record them.
func eventActor(a order.Actor) (string, int64) {
	switch a.Kind {
	case order.ByCustomer:
		return ByCustomer, a.ID
	case order.ByStaff:
		return ByStaff, a.ID
	}
	return BySystem, 0
}

// auditActor is a as the audit log names it: the user (a customer or a
// staff member) with what the caller knew of them, or the system.
func auditActor(a order.Actor) audit.Actor {
	by := a.Audit
	if a.Kind == order.BySystem {
		return by
	}
	by.UserID = a.ID
	return by
}

// auditEntry is the entry of a's action on order orderID with detail, which
// also says what kind of actor a is.
func auditEntry(a order.Actor, action string, orderID int64, detail map[string]any) audit.Entry {
	if detail == nil {
		detail = map[string]any{}
	}
	kind, _ := eventActor(a)
	detail["by"] = kind
	return auditActor(a).Entry(action, "order", strconv.FormatInt(orderID, 10), detail)
}
