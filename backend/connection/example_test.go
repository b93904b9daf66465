package connection_test

import (
	"fmt"
	"time"

	"github.com/tusk-app/tusk/backend/apperr"
	"github.com/tusk-app/tusk/backend/connection"
)

func ExampleParseURL() {
	imp, err := connection.ParseURL("postgres://alice:s3cret@db.example.com:6432/shop?sslmode=verify-full&statement_timeout=30s&target_session_attrs=read-write")
	if err != nil {
		fmt.Println(apperr.Info(err).Message)
		return
	}
	c := imp.Config
	fmt.Println(c.Name, c.Host, c.Port, c.Database, c.User, c.SSLMode, c.Options.StatementTimeout)
	fmt.Println("password for the keychain:", imp.HasPassword, imp.Password) // masked when printed
	fmt.Println("not imported:", imp.Unknown)
	// Output:
	// shop on db.example.com db.example.com 6432 shop alice verify-full 30s
	// password for the keychain: true [redacted]
	// not imported: [target_session_attrs=read-write]
}

func ExampleConfig_Validate() {
	c := connection.NewConfig("", "db.example.com", 70000, "shop", "alice")
	c.Options.StatementTimeout = -time.Second
	for _, f := range apperr.Info(c.Validate()).Fields {
		fmt.Printf("%s: %s\n", f.Field, f.Message)
	}
	// Output:
	// name: a name is required
	// port: the port must be between 1 and 65535, not 70000
	// options.statementTimeoutMs: the statement timeout must not be negative
}
