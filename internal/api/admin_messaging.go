package api

import "github.com/mallang/mallang/internal/settings"

// ShopMessaging is how the shop sends its order notices by Kakao 알림톡
// (decision 0067). The provider's keys are not part of it: they are set in
// the server's environment and never read or written through the API.
type ShopMessaging struct {
	On          bool                 `json:"on" doc:"Send the order notices that have a template code by 알림톡, to customers with a phone number; the others go by mail."`
	Sender      string               `json:"sender" maxLength:"40" doc:"The sending number registered with the provider; digits, hyphens allowed; read back as digits. Required when on." example:"0212345678"`
	SenderKey   string               `json:"sender_key" maxLength:"200" doc:"The Kakao channel's key at the provider (SOLAPI's pfId). Required when on." example:"KA01PF2504270350090645hp8rQ1lvqL"`
	Templates   ShopMessageTemplates `json:"templates" doc:"Approved template codes per notice; empty sends that notice by mail."`
	FallbackSMS bool                 `json:"fallback_sms" doc:"When a 알림톡 cannot be delivered, the provider sends it as a text message."`
}

// ShopMessageTemplates are the 알림톡 template codes of the order notices:
// up to 64 letters, digits, '_' or '-'.
type ShopMessageTemplates struct {
	Placed    string `json:"placed" maxLength:"200" example:"ORDER_PLACED"`
	Deposit   string `json:"deposit" maxLength:"200" example:"DEPOSIT_GUIDE"`
	Shipped   string `json:"shipped" maxLength:"200" example:"ORDER_SHIPPED"`
	Delivered string `json:"delivered" maxLength:"200" example:"ORDER_DELIVERED"`
}

func newShopMessaging(m settings.Messaging) ShopMessaging {
	return ShopMessaging{On: m.On, Sender: m.Sender, SenderKey: m.SenderKey, FallbackSMS: m.FallbackSMS,
		Templates: ShopMessageTemplates(m.Templates)}
}

func (m ShopMessaging) settings() settings.Messaging {
	return settings.Messaging{On: m.On, Sender: m.Sender, SenderKey: m.SenderKey, FallbackSMS: m.FallbackSMS,
		Templates: settings.MessageTemplates(m.Templates)}
}

// messagingFields say where the messaging group's *fault.Invalid fields
// are in a request body.
var messagingFields = map[string]string{"messaging_sender": "body.messaging.sender", "messaging_sender_key": "body.messaging.sender_key",
	"template_placed": "body.messaging.templates.placed", "template_deposit": "body.messaging.templates.deposit",
	"template_shipped": "body.messaging.templates.shipped", "template_delivered": "body.messaging.templates.delivered"}
