package portone

import "github.com/mallang/mallang/internal/payment"

// bankCodes maps the banks' codes of the Korea Financial Telecommunications
// and Clearings Institute, which payment.BankAccount holds (payment.Banks),
// to PortOne's Bank enum (server SDK common/Bank), which a cancel's
// refundAccount.bank and a virtual account's method.bank use.
var bankCodes = map[string]string{
	"002": "KDB",
	"003": "IBK",
	"004": "KOOKMIN",
	"007": "SUHYUP",
	"011": "NONGHYUP",
	"012": "LOCAL_NONGHYUP",
	"020": "WOORI",
	"023": "STANDARD_CHARTERED",
	"027": "CITI",
	"031": "DAEGU",
	"032": "BUSAN",
	"034": "KWANGJU",
	"035": "JEJU",
	"037": "JEONBUK",
	"039": "KYONGNAM",
	"045": "KFCC",
	"048": "SHINHYUP",
	"050": "SAVINGS_BANK",
	"064": "NFCF",
	"071": "POST",
	"081": "HANA",
	"088": "SHINHAN",
	"089": "K_BANK",
	"090": "KAKAO",
	"092": "TOSS",
}

// portoneBank is PortOne's Bank of the bank with KFTC code; a code not in
// the list is sent as it is, for PortOne to refuse.
func portoneBank(code string) string {
	if b, ok := bankCodes[code]; ok {
		return b
	}
	return code
}

// bankName is the Korean name of PortOne's Bank, as customers know it; an
// unknown one is returned as it is.
func bankName(bank string) string {
	for kftc, b := range bankCodes {
		if b == bank {
			return payment.BankName(kftc)
		}
	}
	return bank
}
