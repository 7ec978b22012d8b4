package dist

// FormValues returns the metadata as upload form fields, keyed as twine
// sends them; it is the inverse of FormMetadata. wharf import uses it to
// upload files found on disk through the same checks as the upload API.
func (m *Metadata) FormValues() map[string][]string {
	values := map[string][]string{}
	for _, f := range fields {
		if f.single != nil {
			if v := *f.single(m); v != "" {
				values[f.form] = []string{v}
			}
			continue
		}
		if vs := *f.multi(m); len(vs) > 0 {
			values[f.form] = append([]string(nil), vs...)
		}
	}
	return values
}
