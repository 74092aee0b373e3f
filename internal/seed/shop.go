package seed

import (
	"context"
	"fmt"

	"github.com/mallang/mallang/internal/audit"
	"github.com/mallang/mallang/internal/settings"
)

// Business is the demo shop's business information: made up, and marked
// 예시 (example) so that nobody takes it for a real company. The
// registration number passes the check-digit rule, as the settings ask.
var Business = settings.Business{
	Name:           "주식회사 말랑(예시)",
	Representative: "김말랑(예시)",
	Registration:   "1234567891",
	MailOrder:      "제2026-서울예시-0000호 (예시)",
	Address:        "서울특별시 예시구 말랑로 1, 3층 (예시 주소)",
	PrivacyName:    "이보호(예시)",
	PrivacyEmail:   "privacy@mallang.example",
}

// Contact is the demo shop's customer centre, made up.
var Contact = settings.Contact{Phone: "02-0000-0000", Email: "help@mallang.example", Hours: "평일 10:00~17:00 (예시)"}

// demoTerms and demoPrivacy are the demo shop's legal documents: short,
// and saying they are examples.
const (
	demoTerms = `이 이용약관은 데모 상점의 예시입니다. 실제 거래에 쓰지 마세요.

제1조 (목적)
이 약관은 주식회사 말랑(예시)(이하 "회사")가 운영하는 말랑 상점에서 제공하는 서비스의 이용 조건과 절차, 회사와 이용자의 권리·의무를 정합니다.

제2조 (청약 철회)
이용자는 상품을 받은 날부터 7일 이내에 청약을 철회할 수 있습니다. 단순 변심에 따른 반품 배송비는 이용자가 부담합니다.

제3조 (구매 확정)
배송 완료 후 상점이 정한 기간이 지나면 구매가 자동으로 확정됩니다.`
	demoPrivacy = `이 개인정보처리방침은 데모 상점의 예시입니다. 실제 거래에 쓰지 마세요.

1. 수집하는 개인정보
이메일 주소, 이름, 휴대전화 번호, 배송지 주소를 수집합니다.

2. 이용 목적
주문 처리, 배송, 고객 상담, 법령에 따른 기록 보관에 이용합니다.

3. 보유 기간
전자상거래법에 따라 계약·청약 철회 기록은 5년, 소비자 불만 처리 기록은 3년 보관합니다.

4. 개인정보보호책임자
이보호(예시), privacy@mallang.example`
)

// Shop fills the demo shop's settings and publishes its legal documents,
// as the system: fictional business information and texts marked as
// examples. It changes settings staff never saved (version 1) only.
func Shop(ctx context.Context, s *settings.Service) error {
	st := s.Current(ctx)
	if st.Version != 1 {
		return nil
	}
	st.Business, st.Contact = Business, Contact
	if _, err := s.Update(ctx, audit.Actor{}, st); err != nil {
		return fmt.Errorf("demo settings: %w", err)
	}
	for _, d := range []struct {
		doc  settings.Document
		body string
	}{{settings.Terms, demoTerms}, {settings.Privacy, demoPrivacy}} {
		if _, err := s.PublishLegal(ctx, audit.Actor{}, settings.NewLegalVersion{Document: d.doc, Body: d.body,
			EffectiveAt: s.Now()}); err != nil {
			return fmt.Errorf("demo %s: %w", d.doc, err)
		}
	}
	return nil
}
