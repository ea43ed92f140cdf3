package main

import "testing"

func TestOutputsJSON(t *testing.T) {
	cases := []struct {
		name string
		args []string
		env  string
		want bool
	}{
		{"short flag", []string{"sipprobe", "options", "-o", "json"}, "", true},
		{"long flag with =", []string{"sipprobe", "options", "--output=JSON"}, "", true},
		{"long flag", []string{"sipprobe", "register", "--output", "json", "--server", "x"}, "", true},
		{"text", []string{"sipprobe", "options", "-o", "text"}, "", false},
		{"default", []string{"sipprobe", "options", "--server", "json"}, "", false},
		{"environment", []string{"sipprobe", "options"}, "json", true},
		{"flag beats environment", []string{"sipprobe", "options", "-o", "nagios"}, "json", false},
		{"flag without value", []string{"sipprobe", "options", "-o"}, "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("SIPPROBE_OUTPUT", c.env)
			if got := outputsJSON(c.args); got != c.want {
				t.Errorf("outputsJSON(%q) with SIPPROBE_OUTPUT=%q = %v, want %v", c.args, c.env, got, c.want)
			}
		})
	}
}
