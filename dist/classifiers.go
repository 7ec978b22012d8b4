package dist

import (
	"slices"
	"strings"
)

// ValidClassifier reports whether c is a live trove classifier. Deprecated
// classifiers are not valid.
func ValidClassifier(c string) bool { return loadTables().classifiers[c] }

// Classifiers returns every live trove classifier in sorted order. The slice
// is a fresh copy that the caller may keep or change.
func Classifiers() []string { return slices.Clone(loadTables().sorted) }

// ClassifierError returns nil when c is a live classifier, and otherwise an
// *Error saying that it is unknown or, for a deprecated classifier, naming its
// replacements.
func ClassifierError(c string) error {
	t := loadTables()
	if t.classifiers[c] {
		return nil
	}
	return classifierRefusal(c)
}

// classifierRefusal explains why c is refused, naming replacements for a
// deprecated classifier.
func classifierRefusal(c string) *Error {
	repl, deprecated := loadTables().deprecated[c]
	switch {
	case deprecated && len(repl) > 0:
		return errorf("Classifier", "Classifier '%s' has been deprecated, use the following classifier(s) instead: %s", c, strings.Join(repl, ", "))
	case deprecated:
		return errorf("Classifier", "Classifier '%s' has been deprecated.", c)
	default:
		return errorf("Classifier", "Classifier '%s' is not a valid classifier.", shorten(c))
	}
}
