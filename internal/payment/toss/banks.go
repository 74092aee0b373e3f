package toss

import "github.com/mallang/mallang/internal/payment"

// bankCodes maps the banks' codes of the Korea Financial Telecommunications
// and Clearings Institute, which payment.BankAccount holds (payment.Banks),
// to Toss's own two-digit bank codes (used since API version 2022-11-16 in
// virtualAccount.bankCode and refundReceiveAccount.bank). Mostly the same
// number without its leading zero; KB국민은행 is the exception (004 → 06).
var bankCodes = map[string]string{
	"002": "02", // KDB산업은행
	"003": "03", // IBK기업은행
	"004": "06", // KB국민은행
	"007": "07", // Sh수협은행
	"011": "11", // NH농협은행
	"012": "12", // 지역농·축협
	"020": "20", // 우리은행
	"023": "23", // SC제일은행
	"027": "27", // 한국씨티은행
	"031": "31", // iM뱅크(대구)
	"032": "32", // 부산은행
	"034": "34", // 광주은행
	"035": "35", // 제주은행
	"037": "37", // 전북은행
	"039": "39", // 경남은행
	"045": "45", // 새마을금고
	"048": "48", // 신협
	"050": "50", // 저축은행
	"064": "64", // 산림조합
	"071": "71", // 우체국
	"081": "81", // 하나은행
	"088": "88", // 신한은행
	"089": "89", // 케이뱅크
	"090": "90", // 카카오뱅크
	"092": "92", // 토스뱅크
}

// tossBank is Toss's code of the bank with KFTC code; a code not in the
// list is sent as it is, for Toss to refuse.
func tossBank(code string) string {
	if c, ok := bankCodes[code]; ok {
		return c
	}
	return code
}

// bankName is the Korean name of the bank with Toss's code, as customers
// know it; an unknown code is returned as it is.
func bankName(tossCode string) string {
	for kftc, c := range bankCodes {
		if c == tossCode {
			return payment.BankName(kftc)
		}
	}
	return tossCode
}
