package web

// inquiryText lists the storefront's texts of 1:1 inquiries and of a
// blocked account.
func inquiryText() []msg {
	return []msg{
		{key: "blocked.title", ko: "이용이 제한된 계정입니다", en: "This account is blocked"},
		{key: "blocked.body", ko: "상점이 이 계정의 로그인과 주문을 막았습니다. 궁금한 점은 고객센터로 연락해 주세요.", en: "The shop has blocked this account from signing in and ordering. Please contact customer service."},
		{key: "blocked.reason", ko: "사유: %[1]v", en: "Reason: %[1]v"},
		{key: "blocked.login", ko: "이용이 제한된 계정이라 로그인할 수 없습니다. 사유: %[1]v", en: "This account is blocked and cannot sign in. Reason: %[1]v"},
	}
}
