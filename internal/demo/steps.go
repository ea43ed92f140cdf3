package demo

import (
	"time"

	"github.com/sipprobe/sipprobe/catalog"
	"github.com/sipprobe/sipprobe/probe"
)

// steps lists the demo probes in the order they are printed: the healthy
// answers first, then one of each classic failure. Each fault is set up in
// the lab, so the expected diagnosis is part of the design.
func (l *lab) steps(c config) []Step {
	pbx := l.pbx.Addr("udp")
	// base waits c.timeout: long enough for the TCP check after UDP
	// silence, which starts at half the timeout.
	base := func(target string) probe.Config {
		return probe.Config{Target: target, Transport: "udp", Timeout: c.timeout, UserAgent: c.userAgent, Lang: c.lang}
	}
	// fast is for the probes that get an answer: the lab answers in
	// microseconds, and a second keeps a broken build from stalling the demo.
	fast := func(target string) probe.Config {
		cfg := base(target)
		cfg.Timeout = time.Second
		return cfg
	}
	account := func(cfg probe.Config, user, password string) probe.Config {
		cfg.User, cfg.Password = user, password
		return cfg
	}
	// call holds for 1 s: the least that confirms the PBX got our ACK.
	call := func(cfg probe.Config, to string, codecs []string) probe.Config {
		cfg.Invite = probe.InviteConfig{To: to, Codecs: codecs, Hold: time.Second, RingTimeout: 2 * time.Second}
		return cfg
	}
	// withAudio sends RTP for 2.5 s: long enough for the echo's first RTCP
	// report (after 1 s) to cover our stream, so both directions and the
	// round trip are measured.
	withAudio := func(cfg probe.Config) probe.Config {
		cfg.Invite.RTP, cfg.Invite.Hold = true, 2500*time.Millisecond
		return cfg
	}
	// The titles are printed in the demo's language, as its results are.
	return []Step{
		{
			Name: "demo-options", Title: tr(c.lang, "Is the PBX alive? OPTIONS over UDP",
				"Жива ли АТС? OPTIONS по UDP"),
			Kind: probe.KindOptions, Config: fast(pbx), Expect: "ok",
		},
		{
			Name: "demo-register", Title: tr(c.lang, "Are account 100's credentials accepted? REGISTER (no Contact: bindings untouched)",
				"Принимает ли АТС учётные данные абонента 100? REGISTER (без Contact: регистрации не меняются)"),
			Kind: probe.KindRegister, Config: account(fast(pbx), demoUser, demoPassword), Expect: "ok",
		},
		{
			Name: "demo-wrong-password", Title: tr(c.lang, "The same account with a wrong password (the PBX says 403 Wrong Guess)",
				"Та же учётная запись с неверным паролем (АТС отвечает «403 Wrong Guess»)"),
			Kind: probe.KindRegister, Config: account(fast(pbx), demoUser, "not-the-password"), Expect: "wrong-password",
		},
		{
			Name: "demo-unknown-user", Title: tr(c.lang, "An account the PBX does not have (999)",
				"Учётная запись, которой на АТС нет (999)"),
			Kind: probe.KindRegister, Config: account(fast(pbx), "999", "whatever"), Expect: "unknown-user",
		},
		{
			Name: "demo-call", Title: tr(c.lang, "A test call from 100 to the echo test 700, with audio measured both ways (INVITE, ACK, 2.5 s of RTP and RTCP, BYE)",
				"Тестовый звонок с 100 на эхо-тест 700 с измерением звука в обе стороны (INVITE, ACK, 2,5 с RTP и RTCP, BYE)"),
			Kind: probe.KindInvite, Config: withAudio(call(account(fast(pbx), demoUser, demoPassword), answerExt, nil)), Expect: "ok",
		},
		{
			Name: "demo-codec-mismatch", Title: tr(c.lang, "A call to 600, which takes only G.722, offering PCMU and PCMA (488)",
				"Звонок на 600, где принимают только G.722, с предложением PCMU и PCMA (488)"),
			Kind: probe.KindInvite, Config: call(account(fast(pbx), demoUser, demoPassword), codecExt, []string{"pcmu", "pcma"}), Expect: "codec-mismatch",
		},
		{
			// On loopback no NAT can be to blame (nat-timeout needs a remote
			// path): the server answers on TCP only, a transport mismatch.
			Name: "demo-udp-silent", Title: tr(c.lang, "A server whose UDP is swallowed by a firewall while TCP works",
				"Сервер, чей UDP глушит межсетевой экран, а TCP работает"),
			Kind: probe.KindOptions, Config: base(l.silent.addr), Expect: "transport-mismatch",
		},
		{
			Name: "demo-port-unreachable", Title: tr(c.lang, "A port where nothing listens",
				"Порт, на котором никто не слушает"),
			Kind: probe.KindOptions, Config: fast(l.closed), Expect: "port-unreachable",
		},
	}
}

// tr picks the Russian text for catalog.RU, the English one otherwise.
func tr(lang catalog.Lang, en, ru string) string {
	if lang == catalog.RU {
		return ru
	}
	return en
}
