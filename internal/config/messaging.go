package config

// Messaging holds the keys of SOLAPI, the provider that sends the shop's
// Kakao 알림톡 (MALLANG_SOLAPI_API_KEY, MALLANG_SOLAPI_API_SECRET; decision
// 0067), from its console, and MALLANG_SOLAPI_URL, its API when not the
// default (a staging or test server). Without keys no notice leaves by
// 알림톡, whatever the shop's settings say. The secret is only read here
// and handed to the adapter: it is never stored, logged or shown.
type Messaging struct {
	SolapiAPIKey, SolapiAPISecret, SolapiURL string
}

// Ready reports whether both keys are set.
func (m Messaging) Ready() bool { return m.SolapiAPIKey != "" && m.SolapiAPISecret != "" }

// loadMessaging reads the Messaging variables into c; one key without the
// other is an error naming the one set.
func loadMessaging(get func(k, def string) string, c *Config) error {
	c.Messaging = Messaging{SolapiAPIKey: get("MALLANG_SOLAPI_API_KEY", ""), SolapiAPISecret: get("MALLANG_SOLAPI_API_SECRET", ""),
		SolapiURL: get("MALLANG_SOLAPI_URL", "")}
	switch m := c.Messaging; {
	case m.SolapiAPIKey != "" && m.SolapiAPISecret == "":
		return &Error{"MALLANG_SOLAPI_API_KEY", "is set without MALLANG_SOLAPI_API_SECRET; set both, or neither"}
	case m.SolapiAPIKey == "" && m.SolapiAPISecret != "":
		return &Error{"MALLANG_SOLAPI_API_SECRET", "is set without MALLANG_SOLAPI_API_KEY; set both, or neither"}
	}
	return nil
}
