package order

import (
	"fmt"
	"strings"
)

// step is one allowed change of an order's status.
type step struct{ from, to Status }

// transitions says which changes of an order's status are allowed and who
// may make each. Anything not listed is refused. Cancelling is possible only
// before the order ships; after that the way back is a return. Payment
// confirmations are the system's (the payment provider's callback) or
// staff's (a deposit checked by hand).
var transitions = map[step][]ActorKind{
	{PendingPayment, AwaitingDeposit}: {BySystem, ByStaff},
	{PendingPayment, Paid}:            {BySystem, ByStaff},
	{PendingPayment, Cancelled}:       {ByCustomer, ByStaff, BySystem},
	{AwaitingDeposit, Paid}:           {BySystem, ByStaff},
	{AwaitingDeposit, Cancelled}:      {ByCustomer, ByStaff, BySystem},
	{Paid, Preparing}:                 {ByStaff, BySystem},
	{Paid, Shipped}:                   {ByStaff},
	{Paid, Cancelled}:                 {ByCustomer, ByStaff},
	{Preparing, Shipped}:              {ByStaff},
	{Preparing, Cancelled}:            {ByCustomer, ByStaff},
	{Shipped, Delivered}:              {ByStaff, BySystem},
	{Delivered, Completed}:            {ByCustomer, ByStaff, BySystem},
	{Delivered, ReturnRequested}:      {ByCustomer, ByStaff},
	{ReturnRequested, Returned}:       {ByStaff},
	{ReturnRequested, Delivered}:      {ByStaff}, // the return was refused or withdrawn
	{ReturnRequested, Shipped}:        {ByStaff}, // the exchange's parcel left
	{Returned, Refunded}:              {ByStaff, BySystem},
	{Returned, PartiallyRefunded}:     {ByStaff, BySystem},
	{PartiallyRefunded, Refunded}:     {ByStaff, BySystem},
}

// Allowed reports whether an actor of kind may move an order from from to
// to. It is the same table Transition checks.
func Allowed(from, to Status, kind ActorKind) bool {
	for _, k := range transitions[step{from, to}] {
		if k == kind {
			return true
		}
	}
	return false
}

// refusal explains why a change is not allowed, for the fault.ErrConflict
// that Transition returns.
func refusal(from, to Status, kind ActorKind) string {
	who := transitions[step{from, to}]
	if len(who) == 0 {
		return fmt.Sprintf("an order cannot go from %s to %s", from, to)
	}
	names := make([]string, len(who))
	for i, k := range who {
		names[i] = string(k)
	}
	return fmt.Sprintf("only %s may move an order from %s to %s, not %s", strings.Join(names, " or "), from, to, kind)
}
