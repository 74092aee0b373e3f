package backoffice

// Page sizes, for the tests of package backoffice_test.
const (
	OutboxPage = outboxPage
	UsersPage  = usersPage
)
