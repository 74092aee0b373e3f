package notify

import (
	"strings"

	"github.com/mallang/mallang/internal/fault"
	"github.com/mallang/mallang/internal/money"
)

// WishAlert tells a customer that a product they wished (찜) is on sale
// again after selling out, or costs less than it did. Data: WishAlertData.
const WishAlert Template = "wish-alert"

// QuestionAnswered tells a customer that staff answered their question on
// a product page, with the answer and a link to the product. Data:
// QuestionData.
const QuestionAnswered Template = "question-answered"

// WishAlertData fills WishAlert.
type WishAlertData struct {
	// Restock: the product can be bought again; otherwise its price fell
	// from Old to New.
	Restock  bool
	Product  string
	Old, New money.Amount
	URL      string // the product page
	Wishlist string // the customer's wishlist page
}

// Validate returns a *fault.Invalid unless the product's name and
// absolute links are given, and a price drop names a lower new price.
func (d WishAlertData) Validate() error {
	var inv fault.Invalid
	if strings.TrimSpace(d.Product) == "" {
		inv.Add("product", "is required")
	}
	if !d.Restock && (d.New.Minor >= d.Old.Minor || d.New.Minor < 0) {
		inv.Add("new", "must be below the old price")
	}
	checkURL(&inv, d.URL)
	if len(inv.Fields) == 0 {
		checkURL(&inv, d.Wishlist)
	}
	return inv.Err()
}

// QuestionData fills QuestionAnswered.
type QuestionData struct {
	Name     string // may be empty
	Product  string
	Question string
	Answer   string
	URL      string // the product page's questions
}

// Validate returns a *fault.Invalid unless the product, question, answer
// and an absolute URL are given.
func (d QuestionData) Validate() error {
	var inv fault.Invalid
	for field, v := range map[string]string{"product": d.Product, "question": d.Question, "answer": d.Answer} {
		if strings.TrimSpace(v) == "" {
			inv.Add(field, "is required")
		}
	}
	checkURL(&inv, d.URL)
	return inv.Err()
}
