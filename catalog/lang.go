package catalog

import (
	"fmt"
	"os"
	"strings"
)

// Lang selects the language of the catalogue text.
type Lang string

const (
	EN Lang = "en"
	RU Lang = "ru"
)

// ParseLang accepts "en", "ru" or a locale such as "ru_RU.UTF-8"; empty
// means: look at LC_ALL, LC_MESSAGES and LANG, then English.
func ParseLang(s string) (Lang, error) {
	if s == "" {
		for _, k := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
			if v := os.Getenv(k); v != "" {
				s = v
				break
			}
		}
		if l, err := ParseLang(strings.ToLower(s)); err == nil && s != "" {
			return l, nil
		}
		return EN, nil
	}
	switch {
	case strings.HasPrefix(strings.ToLower(s), "ru"):
		return RU, nil
	case strings.HasPrefix(strings.ToLower(s), "en"), s == "C", s == "POSIX":
		return EN, nil
	}
	return EN, fmt.Errorf("%w: %q (want en or ru)", ErrUnknownLang, s)
}

// pick returns the Russian value for RU and the English one otherwise, so
// an unexpected Lang value still yields text.
func pick[T any](lang Lang, en, ru T) T {
	if lang == RU {
		return ru
	}
	return en
}
