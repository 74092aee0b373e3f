package settings

import (
	"fmt"
	"time"

	"github.com/mallang/mallang/internal/fault"
)

// Dormancy is the shop's dormant-account policy (휴면 계정,
// docs/decisions/0069-dormant-accounts.md): a customer who has not signed
// in for Months is told 30 days ahead, then their personal data is set
// apart and the account locked until they come back. A shop whose settings
// were stored before it existed reads it as off.
type Dormancy struct {
	On bool `json:"on"`
	// Months without a sign-in after which an account goes dormant
	// (1–60; 12 by default).
	Months int `json:"months"`
	// ChangedAt is when the policy last became stricter (switched on, or
	// its period shortened); members are mailed once per such change.
	// Update keeps it: a form or an API call never sets it.
	ChangedAt time.Time `json:"changed_at,omitzero"`
}

// Limits and default of the dormancy policy.
const (
	MaxDormancyMonths     = 60
	DefaultDormancyMonths = 12
)

// DefaultDormancy is a new shop's policy: on, 12 months.
func DefaultDormancy() Dormancy { return Dormancy{On: true, Months: DefaultDormancyMonths} }

// Stricter tells whether d puts accounts to sleep sooner than old: it is
// on and old was off, or both are on and d's period is shorter.
func (d Dormancy) Stricter(old Dormancy) bool {
	return d.On && (!old.On || d.Months < old.Months)
}

// Same tells whether d and b are the same policy, apart from when it last
// changed.
func (d Dormancy) Same(b Dormancy) bool { return d.On == b.On && d.Months == b.Months }

func (d Dormancy) validate(v *fault.Invalid) {
	if d.On || d.Months != 0 {
		if d.Months < 1 || d.Months > MaxDormancyMonths {
			v.Add("dormancy_months", fmt.Sprintf("must be from 1 to %d months", MaxDormancyMonths))
		}
	}
}
