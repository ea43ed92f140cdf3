package catalog

// RenderWith resolves the entry id in lang with the given placeholder
// values ({text}, {n}, …): for outcomes decided outside an exchange, such
// as a failed expectation. ok is false when the catalogue lacks the id.
func (c *Catalog) RenderWith(id string, lang Lang, values map[string]string) (Diagnosis, bool) {
	e := c.entryByID(id)
	if e == nil {
		return Diagnosis{}, false
	}
	return c.render(e, "", lang, vars(values)), true
}

// Note renders the note template key in lang ("" when the catalogue lacks
// it), so that text built outside the catalogue is translated too.
func (c *Catalog) Note(key string, lang Lang, values map[string]string) string {
	return c.note(key, lang, vars(values))
}

// expectationNotes are the note templates results.Expectation uses.
func expectationNotes() []string {
	return []string{"expect-code", "expect-diagnosis", "expect-codec", "expect-crit-ms", "expect-max-ms",
		"expect-min-contacts", "expect-no-final", "expect-none"}
}
