package backoffice

// gradeTexts are the texts of the membership grades' discount and monthly
// evaluation, {Korean, English}.
var gradeTexts = map[string][2]string{
	"grade.discount":                      {"등급 할인", "Grade discount"},
	"grade.discount.percent":              {"등급 할인율 (%)", "Grade discount (%)"},
	"grade.discount.hint":                 {"상품 판매가 합계에서 쿠폰보다 먼저 할인합니다 (0~50).", "Taken off the goods' total before coupons (0–50)."},
	"grade.v.discount":                    {"0에서 50 사이의 정수로 입력하세요.", "Enter a whole number from 0 to 50."},
	"v.must be a percentage from 0 to 50": {"0에서 50 사이의 정수로 입력하세요.", "Enter a whole number from 0 to 50."},
	"ord.grade_discount":                  {"등급 할인", "Grade discount"},
	"stats.col.grade_discount":            {"등급 할인", "Grade discounts"},
}
