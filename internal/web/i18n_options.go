package web

// optionText lists the UI text of the product page's option selects.
func optionText() []msg {
	return []msg{
		{key: "option.placeholder", ko: "%[1]v 선택", en: "Choose %[1]v"},
		{key: "option.none", ko: "선택 불가", en: "Unavailable"},
		{key: "option.choose", ko: "%[1]v을(를) 선택해 주세요.", en: "Please choose %[1]v."},
		{key: "option.no_such", ko: "선택하신 옵션 조합은 없는 상품입니다. 다른 옵션을 골라 주세요.", en: "There is no product with the options you chose. Please choose other options."},
		{key: "option.sold_out", ko: "선택하신 옵션(%[1]v)은 품절입니다. 다른 옵션을 골라 주세요.", en: "The options you chose (%[1]v) are sold out. Please choose other options."},
	}
}
