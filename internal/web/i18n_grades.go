package web

// gradeText lists the text of the membership grade: its discount in the
// price breakdown and the grade box of the account page.
func gradeText() []msg {
	return []msg{
		{key: "checkout.grade_discount", ko: "등급 할인", en: "Grade discount"},
		{key: "cart.grade_discount", ko: "등급 할인 %[1]d%%: −%[2]s (주문서에서 적용됩니다)", en: "Grade discount %[1]d%%: −%[2]s (taken off at checkout)"},
		{key: "grade.title", ko: "회원 등급", en: "Membership grade"},
		{key: "grade.earn", ko: "결제 금액의 %[1]s 적립", en: "%[1]s of what you pay back in points"},
		{key: "grade.discount", ko: "상품 금액 %[1]d%% 할인", en: "%[1]d%% off the goods"},
		{key: "grade.next", ko: "%[1]s 등급까지 %[2]s 남았습니다.", en: "%[2]s more to reach %[1]s."},
		{key: "grade.reached", ko: "다음 등급 산정 때 %[1]s 등급이 됩니다.", en: "You reach %[1]s at the next evaluation."},
		{key: "grade.top", ko: "가장 높은 등급입니다.", en: "This is the highest grade."},
		{key: "grade.window", ko: "등급 산정에 들어가는 구매 금액은 지금까지 %[1]s이며, %[2]s에 등급을 다시 정합니다.", en: "Purchases counted so far: %[1]s. Grades are set again on %[2]s."},
	}
}
