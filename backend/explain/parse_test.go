package explain_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/tusk-app/tusk/backend/explain"
)

func TestParseRejectsWhatIsNotAPlan(t *testing.T) {
	for _, in := range []string{``, `{}`, `[]`, `[1]`, `[{"Plans": []}]`, `[{"Plan": {"Node Type": "Result"`, `[{"Plan": {}}] x`,
		`[{"Plan": {"Node Type": "Result", "Filter": "a\qb"}}]`, `[{"Plan": {"Node Type": tru}}]`} {
		if _, err := explain.Parse([]byte(in)); !errors.Is(err, explain.ErrNotAPlan) {
			t.Errorf("Parse(%q) = %v, want ErrNotAPlan", in, err)
		}
	}
}

func TestParseKeepsPropertiesInOrder(t *testing.T) {
	p, err := explain.Parse([]byte(`[{"Plan": {"Node Type": "Result", "Output": ["a", "'x'::text"], "Filter": "(\"Q\" = 'é\u00e9\ud83d\udc18\n')",
		"Custom": {"b": [1, true, null]}, "Startup Cost": 1e2, "Plans": []}, "Planning Time": 0.5}]`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, pr := range p.Nodes[0].Props {
		got = append(got, pr.Name+"="+pr.Value)
	}
	want := "Node Type=Result|Output=a, 'x'::text|Filter=(\"Q\" = 'éé🐘\n')|Custom={\"b\":[1,true,null]}|Startup Cost=1e2"
	if strings.Join(got, "|") != want {
		t.Errorf("props\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	if p.Nodes[0].StartupCost != 100 || p.PlanningMs != 0.5 || p.Analyzed {
		t.Errorf("%+v", p.Nodes[0])
	}
}

func TestParseDeepPlan(t *testing.T) {
	deep := func(n int) []byte {
		return []byte(`[{"Plan": ` + strings.Repeat(`{"Node Type": "Limit", "Actual Total Time": 1, "Actual Loops": 1, "Actual Rows": 1, "Plans": [`, n) +
			`{"Node Type": "Result", "Actual Total Time": 1, "Actual Loops": 1, "Actual Rows": 1}` + strings.Repeat(`]}`, n) + `}]`)
	}
	p, err := explain.Parse(deep(1000))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Nodes) != 1001 || p.Nodes[1000].Depth != 1000 || len(p.HotPath) != 1001 {
		t.Errorf("%d nodes, hot path %d", len(p.Nodes), len(p.HotPath))
	}
	if _, err := explain.Parse(deep(6000)); !errors.Is(err, explain.ErrNotAPlan) {
		t.Errorf("a plan nested 12,000 levels of JSON deep: %v", err)
	}
}
