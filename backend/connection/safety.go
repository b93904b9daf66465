package connection

import (
	"strings"
	"unicode/utf8"

	"github.com/tusk-app/tusk/backend/apperr"
)

// SafeMode is how a connection treats statements that destroy data at
// once: UPDATE or DELETE without WHERE, TRUNCATE, DROP, ALTER … DROP (see
// query.Dangers).
type SafeMode string

// The safe mode levels.
const (
	// SafeModeDefault ("") is SafeModeConfirm for a connection with a
	// production Marker and SafeModeOff otherwise.
	SafeModeDefault SafeMode = ""
	// SafeModeOff runs everything.
	SafeModeOff SafeMode = "off"
	// SafeModeConfirm runs a dangerous statement only after the user
	// confirmed it (the request says so).
	SafeModeConfirm SafeMode = "confirm"
	// SafeModeBlock never runs a dangerous statement.
	SafeModeBlock SafeMode = "block"
)

// Valid reports whether m is one of the levels (or the default).
func (m SafeMode) Valid() bool {
	switch m {
	case SafeModeDefault, SafeModeOff, SafeModeConfirm, SafeModeBlock:
		return true
	}
	return false
}

// Marker labels a connection as a sensitive environment, "PROD" in red
// say: the UI tints the window with Color while such a connection is in
// use, and safe mode defaults to confirm. The zero value marks nothing.
type Marker struct {
	// Name is the label, 1–32 characters; "" means no marker.
	Name string `json:"name"`
	// Color is "#RRGGBB"; "" lets the UI pick its warning colour.
	Color string `json:"color"`
}

// MaxMarkerName is the longest marker name, in characters.
const MaxMarkerName = 32

// JSON names of the safety fields (FieldError.Field).
const (
	FieldSafeMode    = "options.safeMode"
	FieldMarkerName  = "options.marker.name"
	FieldMarkerColor = "options.marker.color"
)

// EffectiveSafeMode is SafeMode with the default applied: confirm for a
// marked connection, off otherwise.
func (o Options) EffectiveSafeMode() SafeMode {
	switch {
	case o.SafeMode != SafeModeDefault:
		return o.SafeMode
	case o.Marker.Name != "":
		return SafeModeConfirm
	}
	return SafeModeOff
}

// SkipsReview reports whether a data tab commits without showing the
// review first: CommitWithoutReview on a connection without a production
// Marker. On a marked connection the review is never skipped, whatever was
// ticked: bulk work there is exactly where reading the statements before
// they run matters most, and the marker is how the user said so.
func (o Options) SkipsReview() bool {
	return o.CommitWithoutReview && o.Marker.Name == ""
}

// validateSafety adds the problems of the safety options to errs.
func (o Options) validateSafety(errs []apperr.FieldError) []apperr.FieldError {
	if !o.SafeMode.Valid() {
		errs = append(errs, apperr.FieldError{Field: FieldSafeMode, Message: "safe mode must be off, confirm or block"})
	}
	if n := utf8.RuneCountInString(o.Marker.Name); n > MaxMarkerName || strings.ContainsRune(o.Marker.Name, 0) {
		errs = append(errs, apperr.FieldError{Field: FieldMarkerName, Message: "the marker name must be at most 32 characters"})
	}
	if o.Marker.Color != "" && !isHexColor(o.Marker.Color) {
		errs = append(errs, apperr.FieldError{Field: FieldMarkerColor, Message: "the marker color must be written #RRGGBB, e.g. #e5484d"})
	}
	return errs
}
