package storage_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tusk-app/tusk/backend/storage"
)

func ExampleCleanFolderPath() {
	for _, p := range []string{"", "reports", " reports// monthly/ "} {
		clean, err := storage.CleanFolderPath(p)
		fmt.Printf("%q %v\n", clean, err)
	}
	_, err := storage.CleanFolderPath("/a/../b")
	fmt.Println(err)
	// Output:
	// "/" <nil>
	// "/reports" <nil>
	// "/reports/monthly" <nil>
	// invalid folderPath: a folder cannot be named ".."
}

func ExampleOpen() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "tusk-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	if err := storage.InitDataDir(dir); err != nil {
		panic(err) // the app offers another directory here
	}
	st, report, err := storage.Open(ctx, filepath.Join(dir, storage.FileName))
	if err != nil {
		panic(err)
	}
	defer st.Close()
	if report.Problem() {
		fmt.Println(report.Message) // the app shows this to the user
	}

	if _, err := st.AddHistory(ctx, storage.HistoryEntry{SQL: "SELECT * FROM public.orders", DurationMs: 4}); err != nil {
		panic(err)
	}
	found, err := st.SearchHistory(ctx, `ord "`, storage.HistoryFilter{})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(found), found[0].SQL)
	// Output:
	// 1 SELECT * FROM public.orders
}
