package sqlfile_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/tusk-app/tusk/backend/sqlfile"
)

func paths(list []sqlfile.Recent) []string {
	var out []string
	for _, r := range list {
		out = append(out, r.Path)
	}
	return out
}

func TestAddRecentKeepsMostRecentFirstWithoutDuplicates(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	var list []sqlfile.Recent
	for _, p := range []string{"/a.sql", "/b.sql", "/c.sql", "/a.sql"} {
		list = AddRecentT(list, p, now)
	}
	if got := fmt.Sprint(paths(list)); got != "[/a.sql /c.sql /b.sql]" {
		t.Errorf("list = %s", got)
	}
	if list[0].Name != "a.sql" || list[0].Dir != "/" || list[0].UsedMs != now.UnixMilli() {
		t.Errorf("entry = %+v", list[0])
	}
	for i := range 20 {
		list = AddRecentT(list, fmt.Sprintf("/f%d.sql", i), now)
	}
	if len(list) != sqlfile.MaxRecent || list[0].Path != "/f19.sql" || list[sqlfile.MaxRecent-1].Path != "/f10.sql" {
		t.Errorf("capped list = %v", paths(list))
	}
}

func AddRecentT(list []sqlfile.Recent, p string, now time.Time) []sqlfile.Recent {
	before := fmt.Sprint(list)
	out := sqlfile.AddRecent(list, p, now)
	if fmt.Sprint(list) != before {
		panic("AddRecent modified its input")
	}
	return out
}

func TestAddRecentMakesPathsAbsolute(t *testing.T) {
	list := sqlfile.AddRecent(nil, "rel.sql", time.Now())
	if !filepath.IsAbs(list[0].Path) {
		t.Errorf("path %q", list[0].Path)
	}
}

func TestExistingDropsMissingFiles(t *testing.T) {
	dir := t.TempDir()
	keep := filepath.Join(dir, "keep.sql")
	if err := os.WriteFile(keep, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	list := sqlfile.AddRecent(sqlfile.AddRecent(nil, keep, time.Now()), filepath.Join(dir, "gone.sql"), time.Now())
	got, dropped := sqlfile.Existing(list)
	if !dropped || len(got) != 1 || got[0].Path != keep {
		t.Errorf("existing = %v, dropped = %v", paths(got), dropped)
	}
	if _, dropped := sqlfile.Existing(got); dropped {
		t.Error("nothing to drop the second time")
	}
}
