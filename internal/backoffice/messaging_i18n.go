package backoffice

// messagingTexts are the 알림톡 section's texts, {Korean, English}.
var messagingTexts = map[string][2]string{
	"set.messaging":             {"카카오 알림톡", "Kakao 알림톡"},
	"set.messaging.ready":       {"알림톡 발송 키가 설정되어 있습니다. 아래에서 켜면 주문 안내를 알림톡으로 보냅니다.", "The 알림톡 provider's keys are set. Switch it on below to send order notices by 알림톡."},
	"set.messaging.not_ready":   {"알림톡 발송 키가 설정되어 있지 않아 모든 안내를 메일로 보냅니다. 서버 관리자에게 솔라피 키 설정을 요청하세요.", "The 알림톡 provider's keys are not set, so every notice goes by mail. Ask whoever runs the server to set the SOLAPI keys."},
	"set.messaging_on":          {"주문 안내를 카카오 알림톡으로 보냅니다 (휴대폰 번호가 있는 고객)", "Send order notices by Kakao 알림톡 (to customers with a phone number)"},
	"set.messaging_sender":      {"발신번호", "Sending number"},
	"set.messaging_sender.hint": {"솔라피에 등록한 발신번호입니다 (예: 02-1234-5678).", "The sending number registered with SOLAPI (02-1234-5678)."},
	"set.messaging_sender_key":  {"카카오톡 채널 연동 키", "Kakao channel key"},
	"set.messaging_sender_key.hint": {"솔라피 콘솔에서 카카오톡 채널을 연동하면 받는 키입니다.",
		"The key SOLAPI's console gives the linked Kakao channel (pfId)."},
	"set.templates.hint": {"카카오 검수를 통과한 템플릿의 코드를 입력하세요. 비워 두면 그 안내는 메일로 보냅니다. 템플릿에 쓸 수 있는 변수는 운영 안내서에 있습니다.",
		"Codes of templates Kakao approved. A notice without a code goes by mail. The variables a template may use are in the configuration guide."},
	"set.template_placed":    {"주문 접수 템플릿 코드", "Order placed template code"},
	"set.template_deposit":   {"입금 안내 템플릿 코드", "Deposit instructions template code"},
	"set.template_shipped":   {"배송 시작 템플릿 코드", "Shipped template code"},
	"set.template_delivered": {"배송 완료 템플릿 코드", "Delivered template code"},
	"set.fallback_sms":       {"알림톡을 받을 수 없는 고객에게는 문자 메시지로 대신 보냅니다", "Send a text message instead when the 알림톡 cannot be delivered"},

	"v.is required to send messages": {"알림톡을 보내려면 입력해야 합니다.", "Required to send 알림톡."},
	"v.must be a phone number of 8 to 12 digits (hyphens allowed)": {"8~12자리 전화번호로 입력하세요 (- 허용).",
		"Must be a phone number of 8 to 12 digits (hyphens allowed)."},
	"v.must be up to 64 letters, digits, _ or -": {"영문, 숫자, _ 와 - 로 64자까지 입력하세요.", "Up to 64 letters, digits, _ or -."},
}
