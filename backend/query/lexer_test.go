package query_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tusk-app/tusk/backend/query"
)

// tok renders a token as Kind:Text for compact expectations.
func tok(t query.Token) string { return t.Kind.String() + ":" + t.Text }

func TestLexer(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"select 1", []string{"Ident:select", "Space: ", "Number:1"}},
		{"a::int", []string{"Ident:a", "Punct:::", "Ident:int"}},
		{"x := 1", []string{"Ident:x", "Space: ", "Operator::=", "Space: ", "Number:1"}},
		{"-- c\nx", []string{"LineComment:-- c", "Space:\n", "Ident:x"}},
		{"-- c", []string{"LineComment:-- c"}},
		{"/* a /* b */ c */x", []string{"BlockComment:/* a /* b */ c */", "Ident:x"}},
		{"/* a /* b */", []string{"BlockComment:/* a /* b */"}},
		{"/*/", []string{"BlockComment:/*/"}},
		{"'it''s'x", []string{"String:'it''s'", "Ident:x"}},
		{`'a\'`, []string{`String:'a\'`}},
		{`E'a\'b'x`, []string{`String:E'a\'b'`, "Ident:x"}},
		{`e'a''b\\'x`, []string{`String:e'a''b\\'`, "Ident:x"}},
		{`E'\`, []string{`String:E'\`}},
		{`U&'d\0061t'x`, []string{`String:U&'d\0061t'`, "Ident:x"}},
		{`u&"a""b"x`, []string{`QuotedIdent:u&"a""b"`, "Ident:x"}},
		{`U&x`, []string{"Ident:U", "Operator:&", "Ident:x"}},
		{`B'101' X'ff' N'n'`, []string{"String:B'101'", "Space: ", "String:X'ff'", "Space: ", "String:N'n'"}},
		{`"a""b"x`, []string{`QuotedIdent:"a""b"`, "Ident:x"}},
		{`"unterminated`, []string{`QuotedIdent:"unterminated`}},
		{"'unterminated", []string{"String:'unterminated"}},
		{"$$a;b$$x", []string{"DollarString:$$a;b$$", "Ident:x"}},
		{"$fn$ $$ $x$ $fn$x", []string{"DollarString:$fn$ $$ $x$ $fn$", "Ident:x"}},
		{"$a$ $A$ $a$", []string{"DollarString:$a$ $A$ $a$"}},
		{"$_1$x$_1$", []string{"DollarString:$_1$x$_1$"}},
		{"$1 $12", []string{"Param:$1", "Space: ", "Param:$12"}},
		{"$1$", []string{"Param:$1", "Other:$"}},
		{"$a", []string{"Other:$", "Ident:a"}},
		{"$tag$unterminated", []string{"DollarString:$tag$unterminated"}},
		{"a$b$ c", []string{"Ident:a$b$", "Space: ", "Ident:c"}},
		{"3.14 .5 1e-9 1.e 0x1F 0o17 0b1 1_000 1..2", []string{
			"Number:3.14", "Space: ", "Number:.5", "Space: ", "Number:1e-9", "Space: ", "Number:1.", "Ident:e",
			"Space: ", "Number:0x1F", "Space: ", "Number:0o17", "Space: ", "Number:0b1", "Space: ", "Number:1_000",
			"Space: ", "Number:1", "Punct:.", "Number:.2"}}, // as PostgreSQL lexes it
		{"a<>b>=-c", []string{"Ident:a", "Operator:<>", "Ident:b", "Operator:>=", "Operator:-", "Ident:c"}},
		{"a*-+1", []string{"Ident:a", "Operator:*", "Operator:-", "Operator:+", "Number:1"}},
		{"a@-1 b!=-1", []string{"Ident:a", "Operator:@-", "Number:1", "Space: ", "Ident:b", "Operator:!=-", "Number:1"}},
		{"a+-- c", []string{"Ident:a", "Operator:+", "LineComment:-- c"}},
		{"a*/* c */", []string{"Ident:a", "Operator:*", "BlockComment:/* c */"}},
		{"f(a[1],b);", []string{"Ident:f", "Punct:(", "Ident:a", "Punct:[", "Number:1", "Punct:]", "Punct:,", "Ident:b", "Punct:)", "Punct:;"}},
		{"tëst ünï", []string{"Ident:tëst", "Space: ", "Ident:ünï"}},
		{`\{`, []string{`Other:\`, "Other:{"}},
		{"", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, tk := range query.Tokens(tt.src) {
			got = append(got, tok(tk))
		}
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("Tokens(%q)\n got %q\nwant %q", tt.src, got, tt.want)
		}
	}
}

func TestLexerOffsets(t *testing.T) {
	src := "select 'a''b', $x$;$x$ /* c */ -- d\n\"q\""
	var b strings.Builder
	end := 0
	for _, tk := range query.Tokens(src) {
		if tk.Start != end || tk.End <= tk.Start || src[tk.Start:tk.End] != tk.Text {
			t.Fatalf("bad token %+v after offset %d", tk, end)
		}
		end = tk.End
		b.WriteString(tk.Text)
	}
	if b.String() != src {
		t.Fatalf("tokens rebuild %q, want %q", b.String(), src)
	}
	lx := query.NewLexer(src)
	for lx.Next().Kind != query.TokenEOF {
	}
	if tk := lx.Next(); tk.Kind != query.TokenEOF || tk.Start != len(src) || tk.End != len(src) {
		t.Fatalf("after EOF got %+v", tk)
	}
}

func TestTokenPredicates(t *testing.T) {
	toks := query.Tokens(`SeLeCt "select" ( -- c`)
	if !toks[0].IsKeyword("select") || toks[2].IsKeyword("select") {
		t.Errorf("IsKeyword: %v %v", toks[0], toks[2])
	}
	if !toks[4].IsPunct("(") || toks[4].IsPunct(")") {
		t.Errorf("IsPunct: %v", toks[4])
	}
	if !toks[1].IsTrivia() || !toks[6].IsTrivia() || toks[0].IsTrivia() {
		t.Errorf("IsTrivia: %v", toks)
	}
}

func TestCharPositions(t *testing.T) {
	sql := "SELECT 'ä€𝄞' FRM x" // ä is 2 bytes, € 3, 𝄞 4
	tests := []struct{ pos, off int }{
		{1, 0}, {8, 7}, {9, 8}, {10, 10}, {11, 13}, {12, 17}, {14, 19},
		{len([]rune(sql)) + 1, len(sql)},
	}
	for _, tt := range tests {
		if got := query.ByteOffsetOfCharPosition(sql, tt.pos); got != tt.off {
			t.Errorf("ByteOffsetOfCharPosition(%d) = %d, want %d", tt.pos, got, tt.off)
		}
		if got := query.CharPositionOfByteOffset(sql, tt.off); got != tt.pos {
			t.Errorf("CharPositionOfByteOffset(%d) = %d, want %d", tt.off, got, tt.pos)
		}
	}
	if got := query.ByteOffsetOfCharPosition(sql, 0); got != 0 {
		t.Errorf("position 0 = %d, want 0", got)
	}
	if got := query.ByteOffsetOfCharPosition(sql, 1000); got != len(sql) {
		t.Errorf("position past end = %d, want %d", got, len(sql))
	}
	if got := query.CharPositionOfByteOffset(sql, 9); got != 9 { // inside ä
		t.Errorf("offset inside ä = %d, want 9", got)
	}
	if got := query.CharPositionOfByteOffset(sql, -5); got != 1 {
		t.Errorf("negative offset = %d, want 1", got)
	}
}

func ExampleByteOffsetOfCharPosition() {
	sql := "SELECT 'café' FRM t"
	// PostgreSQL: syntax error at or near "t", Position: 19.
	off := query.ByteOffsetOfCharPosition(sql, 19)
	fmt.Println(off, sql[off:])
	// Output: 19 t
}
