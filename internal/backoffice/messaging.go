package backoffice

import (
	"context"
	"net/http"
	"strings"

	"github.com/mallang/mallang/internal/kst"
	"github.com/mallang/mallang/internal/messaging"
	"github.com/mallang/mallang/internal/settings"
)

// Messages are the 알림톡 the shop sent; *messaging.Service implements it.
type Messages interface {
	Recent(ctx context.Context, limit int) ([]messaging.Message, error)
}

// recentMessages is how many sent 알림톡 the settings page lists.
const recentMessages = 20

// messageRow is one 알림톡 in the settings page's list.
type messageRow struct {
	At, Event, Number, Status, Error string
	Failed                           bool
}

// messagingView is the 알림톡 section of the settings form: its switches
// (the text fields are in settingsView.Values) and whether the provider's
// keys are set. The keys themselves are never in a view.
type messagingView struct {
	On       bool
	Fallback bool
	Ready    bool
	// Recent are the newest 알림톡, newest first.
	Recent []messageRow
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

// recentMessageRows lists the newest 알림톡 for the settings page.
func (h *Handler) recentMessageRows(ctx context.Context, m *messages) ([]messageRow, error) {
	list, err := h.deps.Messages.Recent(ctx, recentMessages)
	if err != nil {
		return nil, err
	}
	rows := make([]messageRow, 0, len(list))
	for _, msg := range list {
		rows = append(rows, messageRow{At: msg.CreatedAt.In(kst.Zone).Format("2006-01-02 15:04"),
			Event: m.T("msg.event." + string(msg.Event)), Number: msg.Variables[messaging.VarNumber],
			Status: m.T("msg.status." + string(msg.Status)), Failed: msg.Status == messaging.Failed,
			Error: strings.TrimPrefix(msg.LastError, "refused by the provider: ")})
	}
	return rows, nil
}
