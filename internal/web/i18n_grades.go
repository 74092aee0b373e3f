package web

// gradeText lists the text of the membership grade: its discount in the
// price breakdown and the grade box of the account page.
func gradeText() []msg {
	return []msg{
		{key: "checkout.grade_discount", ko: "등급 할인", en: "Grade discount"},
	}
}
