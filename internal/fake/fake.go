// Package fake is test support shared by the fakes and tests of the rest of
// Mallang: a settable clock, and the call counting and fault injection that
// every fake provider server offers (FailNext, DelayNext, Calls). It uses
// the standard library only and is imported by tests and by test-support
// packages (tosstest, kakaopaytest, …), never by the product.
package fake
