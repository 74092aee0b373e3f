package backoffice

import (
	"net/http"

	"github.com/mallang/mallang/internal/settings"
)

// messagingView is the 알림톡 section of the settings form: its switches
// (the text fields are in settingsView.Values) and whether the provider's
// keys are set. The keys themselves are never in a view.
type messagingView struct {
	On       bool
	Fallback bool
	Ready    bool
}

// setMessaging fills the section's fields from m.
func (v *settingsView) setMessaging(m settings.Messaging) {
	v.Values["messaging_sender"], v.Values["messaging_sender_key"] = m.Sender, m.SenderKey
	v.Values["template_placed"], v.Values["template_deposit"] = m.Templates.Placed, m.Templates.Deposit
	v.Values["template_shipped"], v.Values["template_delivered"] = m.Templates.Shipped, m.Templates.Delivered
	v.Messaging.On, v.Messaging.Fallback = m.On, m.FallbackSMS
}

// messagingForm reads the section from the posted form r, whose one-line
// fields are in values.
func messagingForm(r *http.Request, values map[string]string) settings.Messaging {
	return settings.Messaging{On: r.PostFormValue("messaging_on") == "1", FallbackSMS: r.PostFormValue("fallback_sms") == "1",
		Sender: values["messaging_sender"], SenderKey: values["messaging_sender_key"],
		Templates: settings.MessageTemplates{Placed: values["template_placed"], Deposit: values["template_deposit"],
			Shipped: values["template_shipped"], Delivered: values["template_delivered"]}}
}
