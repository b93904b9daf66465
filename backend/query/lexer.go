package query

import (
	"strings"
	"unicode/utf8"
)

// TokenKind is the lexical class of a Token.
type TokenKind uint8

// Token kinds.
const (
	// TokenEOF marks the end of the input; its Start and End are len(src).
	TokenEOF TokenKind = iota
	// TokenSpace is a run of whitespace (space, tab, newline, CR, form feed, VT).
	TokenSpace
	// TokenLineComment is "--" up to, not including, the next newline.
	TokenLineComment
	// TokenBlockComment is "/* … */", nested as PostgreSQL nests them.
	TokenBlockComment
	// TokenString is a string constant: '…', E'…', U&'…', B'…', X'…', N'…'.
	TokenString
	// TokenDollarString is a dollar-quoted string: $$…$$ or $tag$…$tag$.
	TokenDollarString
	// TokenIdent is an unquoted identifier or keyword; compare it case-insensitively.
	TokenIdent
	// TokenQuotedIdent is a quoted identifier: "…" or U&"…". It is never a keyword.
	TokenQuotedIdent
	// TokenNumber is a numeric constant: 42, 3.14, .5, 1e-9, 0x1F, 1_000.
	TokenNumber
	// TokenParam is a positional parameter: $1.
	TokenParam
	// TokenOperator is a run of operator characters (+ - * / < > = ~ ! @ # % ^ & | ` ?)
	// or ":=".
	TokenOperator
	// TokenPunct is one of ( ) [ ] , ; . : or the typecast "::".
	TokenPunct
	// TokenOther is any other single byte (a stray backslash or brace).
	TokenOther
)

var tokenKindNames = [...]string{
	TokenEOF: "EOF", TokenSpace: "Space", TokenLineComment: "LineComment", TokenBlockComment: "BlockComment",
	TokenString: "String", TokenDollarString: "DollarString", TokenIdent: "Ident", TokenQuotedIdent: "QuotedIdent",
	TokenNumber: "Number", TokenParam: "Param", TokenOperator: "Operator", TokenPunct: "Punct", TokenOther: "Other",
}

// String returns the constant's name without its prefix: "Ident" for TokenIdent.
func (k TokenKind) String() string {
	if int(k) < len(tokenKindNames) {
		return tokenKindNames[k]
	}
	return "TokenKind(?)"
}

// Token is one lexical token of the input.
type Token struct {
	Kind TokenKind
	// Start and End are byte offsets into the input: Text == src[Start:End].
	Start, End int
	// Text is the token's source text, a substring of the input (no copy).
	Text string
}

// IsTrivia reports whether the token is whitespace or a comment, which the
// server ignores.
func (t Token) IsTrivia() bool {
	return t.Kind == TokenSpace || t.Kind == TokenLineComment || t.Kind == TokenBlockComment
}

// IsKeyword reports whether t is the unquoted identifier kw, compared
// case-insensitively. kw must be ASCII.
func (t Token) IsKeyword(kw string) bool {
	return t.Kind == TokenIdent && strings.EqualFold(t.Text, kw)
}

// IsPunct reports whether t is the punctuation p, such as "(" or ";".
func (t Token) IsPunct(p string) bool {
	return t.Kind == TokenPunct && t.Text == p
}

// Lexer splits PostgreSQL SQL into tokens. It assumes
// standard_conforming_strings is on (the default since PostgreSQL 9.1), so
// backslashes escape only inside E'…' strings. It never fails: an
// unterminated string, quoted identifier, dollar quote or comment runs to the
// end of the input. The zero value lexes the empty string.
//
// A Lexer is not safe for concurrent use; it is cheap, so make one each.
type Lexer struct {
	src string
	pos int
}

// NewLexer returns a Lexer positioned at the start of src.
func NewLexer(src string) *Lexer {
	return &Lexer{src: src}
}

// Tokens returns all tokens of src, trivia included, without the final TokenEOF.
// Concatenating their Text gives back src.
func Tokens(src string) []Token {
	var toks []Token
	lx := NewLexer(src)
	for {
		t := lx.Next()
		if t.Kind == TokenEOF {
			return toks
		}
		toks = append(toks, t)
	}
}

// Next returns the next token, or a TokenEOF token at the end of the input (and
// on every call after it). Every other token is at least one byte long.
func (lx *Lexer) Next() Token {
	start := lx.pos
	kind := lx.scan()
	return Token{Kind: kind, Start: start, End: lx.pos, Text: lx.src[start:lx.pos]}
}

func (lx *Lexer) scan() TokenKind {
	s, i := lx.src, lx.pos
	if i >= len(s) {
		return TokenEOF
	}
	c := s[i]
	switch {
	case isSpace(c):
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		lx.pos = i
		return TokenSpace
	case c == '-' && i+1 < len(s) && s[i+1] == '-':
		if j := strings.IndexByte(s[i:], '\n'); j >= 0 {
			lx.pos = i + j
		} else {
			lx.pos = len(s)
		}
		return TokenLineComment
	case c == '/' && i+1 < len(s) && s[i+1] == '*':
		lx.pos = blockCommentEnd(s, i)
		return TokenBlockComment
	case c == '\'':
		lx.pos = quotedEnd(s, i+1, '\'', false)
		return TokenString
	case c == '"':
		lx.pos = quotedEnd(s, i+1, '"', false)
		return TokenQuotedIdent
	case c == '$':
		return lx.scanDollar()
	case isDigit(c) || (c == '.' && i+1 < len(s) && isDigit(s[i+1])):
		lx.pos = numberEnd(s, i)
		return TokenNumber
	case isIdentStart(c):
		return lx.scanWord()
	case c == ':':
		if i+1 < len(s) && s[i+1] == ':' {
			lx.pos = i + 2
			return TokenPunct
		}
		if i+1 < len(s) && s[i+1] == '=' {
			lx.pos = i + 2
			return TokenOperator
		}
		lx.pos = i + 1
		return TokenPunct
	case strings.IndexByte("()[],;.", c) >= 0:
		lx.pos = i + 1
		return TokenPunct
	case isOpChar(c):
		i++
		// An operator stops where a comment starts.
		for i < len(s) && isOpChar(s[i]) &&
			!(i+1 < len(s) && (s[i] == '-' && s[i+1] == '-' || s[i] == '/' && s[i+1] == '*')) {
			i++
		}
		// As in PostgreSQL, "+" and "-" cannot end a longer operator
		// unless it has one of ~ ! @ # % ^ & | ` ?: "a>=-1" is a >= -1.
		if op := s[lx.pos:i]; len(op) > 1 && !strings.ContainsAny(op, "~!@#%^&|`?") {
			for i-lx.pos > 1 && (s[i-1] == '+' || s[i-1] == '-') {
				i--
			}
		}
		lx.pos = i
		return TokenOperator
	default:
		lx.pos = i + 1
		return TokenOther
	}
}

// scanWord lexes an identifier or one of the prefixed constants E'…', U&'…',
// U&"…", B'…', X'…' and N'…'.
func (lx *Lexer) scanWord() TokenKind {
	s, i := lx.src, lx.pos
	if i+1 < len(s) && s[i+1] == '\'' {
		switch s[i] | 0x20 {
		case 'e':
			lx.pos = quotedEnd(s, i+2, '\'', true)
			return TokenString
		case 'b', 'x', 'n':
			lx.pos = quotedEnd(s, i+2, '\'', false)
			return TokenString
		}
	}
	if s[i]|0x20 == 'u' && i+2 < len(s) && s[i+1] == '&' {
		switch s[i+2] {
		case '\'':
			lx.pos = quotedEnd(s, i+3, '\'', false)
			return TokenString
		case '"':
			lx.pos = quotedEnd(s, i+3, '"', false)
			return TokenQuotedIdent
		}
	}
	i++
	for i < len(s) && (isIdentStart(s[i]) || isDigit(s[i]) || s[i] == '$') {
		i++
	}
	lx.pos = i
	return TokenIdent
}

// scanDollar lexes a parameter ($1), a dollar-quoted string or a lone "$".
func (lx *Lexer) scanDollar() TokenKind {
	s, i := lx.src, lx.pos
	j := i + 1
	if j < len(s) && isDigit(s[j]) {
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		lx.pos = j
		return TokenParam
	}
	// A tag is an identifier without "$": $$ or $tag$.
	if j < len(s) && isIdentStart(s[j]) {
		for j < len(s) && (isIdentStart(s[j]) || isDigit(s[j])) {
			j++
		}
	}
	if j < len(s) && s[j] == '$' {
		delim := s[i : j+1]
		if k := strings.Index(s[j+1:], delim); k >= 0 {
			lx.pos = j + 1 + k + len(delim)
		} else {
			lx.pos = len(s)
		}
		return TokenDollarString
	}
	lx.pos = i + 1
	return TokenOther
}

// quotedEnd returns the offset just past the closing quote q of a quoted
// token whose body starts at i, or len(s). A doubled quote is an escaped
// quote; with backslash set, a backslash escapes the next byte.
func quotedEnd(s string, i int, q byte, backslash bool) int {
	for i < len(s) {
		switch s[i] {
		case q:
			if i+1 < len(s) && s[i+1] == q {
				i += 2
				continue
			}
			return i + 1
		case '\\':
			if backslash {
				i += 2
				continue
			}
		}
		i++
	}
	return len(s)
}

// blockCommentEnd returns the offset just past the nested block comment
// that starts at i, or len(s).
func blockCommentEnd(s string, i int) int {
	depth := 0
	for i+1 < len(s) {
		switch {
		case s[i] == '/' && s[i+1] == '*':
			depth++
			i += 2
		case s[i] == '*' && s[i+1] == '/':
			depth--
			i += 2
			if depth == 0 {
				return i
			}
		default:
			i++
		}
	}
	return len(s)
}

// numberEnd returns the offset just past the numeric constant at i. Like
// PostgreSQL's lexer it accepts 0x/0o/0b prefixes and "_" separators; junk
// glued to a number ("12abc") starts a new token.
func numberEnd(s string, i int) int {
	digits := func(i int, ok func(byte) bool) int {
		for i < len(s) && (ok(s[i]) || s[i] == '_' && i+1 < len(s) && ok(s[i+1])) {
			i++
		}
		return i
	}
	if s[i] == '0' && i+2 < len(s) {
		var ok func(byte) bool
		switch s[i+1] | 0x20 {
		case 'x':
			ok = isHexDigit
		case 'o':
			ok = func(c byte) bool { return c >= '0' && c <= '7' }
		case 'b':
			ok = func(c byte) bool { return c == '0' || c == '1' }
		}
		if ok != nil && ok(s[i+2]) {
			return digits(i+2, ok)
		}
	}
	i = digits(i, isDigit)
	// "1..5" is 1 followed by ".", ".5", as in PostgreSQL.
	if i < len(s) && s[i] == '.' && !(i+1 < len(s) && s[i+1] == '.') {
		i = digits(i+1, isDigit)
	}
	if i < len(s) && s[i]|0x20 == 'e' {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && isDigit(s[j]) {
			i = digits(j, isDigit)
		}
	}
	return i
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHexDigit(c byte) bool {
	return isDigit(c) || c|0x20 >= 'a' && c|0x20 <= 'f'
}

// isIdentStart follows PostgreSQL: ASCII letters, "_" and every byte of a
// multi-byte UTF-8 sequence.
func isIdentStart(c byte) bool {
	return c|0x20 >= 'a' && c|0x20 <= 'z' || c == '_' || c >= 0x80
}

func isOpChar(c byte) bool {
	return strings.IndexByte("+-*/<>=~!@#%^&|`?", c) >= 0
}

// ByteOffsetOfCharPosition converts pos, a 1-based position in characters
// (Unicode code points) as PostgreSQL reports in an error's Position field,
// to a 0-based byte offset into sql. Positions below 1 give 0; positions
// past the end give len(sql). Invalid UTF-8 counts one character per byte.
func ByteOffsetOfCharPosition(sql string, pos int) int {
	if pos <= 1 {
		return 0
	}
	n := 1
	for i := 0; i < len(sql); {
		if n == pos {
			return i
		}
		_, size := utf8.DecodeRuneInString(sql[i:])
		i += size
		n++
	}
	return len(sql)
}

// CharPositionOfByteOffset is the inverse of ByteOffsetOfCharPosition: the
// 1-based character position of the character containing byte offset off.
// Offsets below 0 give 1; offsets at or past the end give the position just
// after the last character.
func CharPositionOfByteOffset(sql string, off int) int {
	off = min(max(off, 0), len(sql))
	n := 1
	for i := 0; i < off; {
		_, size := utf8.DecodeRuneInString(sql[i:])
		if i+size > off {
			break
		}
		i += size
		n++
	}
	return n
}
