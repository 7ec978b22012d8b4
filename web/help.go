package web

import (
	"net/http"
)

// snippet is a block of code on a page, with a copy button.
type snippet struct {
	ID, Code string
}

// helpPage is the data of /help/: this server's own addresses, and the
// commands and configuration that use them.
type helpPage struct {
	IndexURL, UploadURL          string
	PipOnce, PipConf             snippet
	UVOnce, UVProject, UVPublish snippet
	PoetrySource, PoetryPublish  snippet
	TwineOnce, TwinePypirc       snippet
	TokenCreate                  snippet
}

// help serves /help/: how to install from and publish to this index with
// pip, uv, Poetry and twine, written for this server's base URL.
func (s *Server) help(w http.ResponseWriter, r *http.Request) error {
	return s.renderPage(w, r, http.StatusOK, "help.html", newHelpPage(s.requestOrigin(r)+s.prefix))
}

// newHelpPage writes the snippets for the index at base (no trailing
// slash). Code is not translated: commands, options and file names are
// the same in every language.
func newHelpPage(base string) helpPage {
	index, upload := base+"/simple/", base+"/legacy/"
	return helpPage{
		IndexURL:  index,
		UploadURL: upload,
		PipOnce:   snippet{"pip-once", "pip install --index-url " + index + " PACKAGE"},
		PipConf:   snippet{"pip-conf", "[global]\nindex-url = " + index},
		UVOnce:    snippet{"uv-once", "uv pip install --index-url " + index + " PACKAGE"},
		UVProject: snippet{"uv-project", "[[tool.uv.index]]\nname = \"wharf\"\nurl = \"" + index + "\"\n" +
			"publish-url = \"" + upload + "\"\ndefault = true"},
		UVPublish:    snippet{"uv-publish", "uv build\nuv publish --index wharf --token wharf-YOUR-TOKEN"},
		PoetrySource: snippet{"poetry-source", "poetry source add --priority=primary wharf " + index},
		PoetryPublish: snippet{"poetry-publish", "poetry config repositories.wharf " + upload + "\n" +
			"poetry config pypi-token.wharf wharf-YOUR-TOKEN\npoetry publish --build -r wharf"},
		TwineOnce: snippet{"twine-once", "twine upload --repository-url " + upload + " dist/*"},
		TwinePypirc: snippet{"twine-pypirc", "[distutils]\nindex-servers =\n    wharf\n\n[wharf]\nrepository = " + upload +
			"\nusername = __token__\npassword = wharf-YOUR-TOKEN"},
		TokenCreate: snippet{"token-create", "wharf token create USER --project PROJECT --expires 90d"},
	}
}
