package dist

import (
	"errors"
	"slices"
	"testing"
)

func TestClassifiers(t *testing.T) {
	all := Classifiers()
	if len(all) < 500 {
		t.Fatalf("Classifiers() has %d entries, want hundreds", len(all))
	}
	if !slices.IsSorted(all) {
		t.Error("Classifiers() is not sorted")
	}
	all[0] = "changed"
	if Classifiers()[0] == "changed" {
		t.Error("Classifiers() shares its backing array")
	}
	tests := []struct {
		name    string
		in      string
		valid   bool
		wantErr string
	}{
		{"live", "License :: OSI Approved :: MIT License", true, ""},
		{"python", "Programming Language :: Python :: 3", true, ""},
		{"unknown", "Foo :: Bar", false, "Classifier 'Foo :: Bar' is not a valid classifier."},
		{"deprecated with replacement", "Natural Language :: Ukranian", false,
			"Classifier 'Natural Language :: Ukranian' has been deprecated, use the following classifier(s) instead: Natural Language :: Ukrainian"},
		{"deprecated without replacement", "Topic :: Communications :: Chat :: AOL Instant Messenger", false,
			"Classifier 'Topic :: Communications :: Chat :: AOL Instant Messenger' has been deprecated."},
		{"empty", "", false, "Classifier '' is not a valid classifier."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidClassifier(tt.in); got != tt.valid {
				t.Errorf("ValidClassifier(%q) = %v, want %v", tt.in, got, tt.valid)
			}
			err := ClassifierError(tt.in)
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("ClassifierError(%q) = %v, want nil", tt.in, err)
				}
				return
			}
			var e *Error
			if !errors.As(err, &e) || e.Message != tt.wantErr {
				t.Errorf("ClassifierError(%q) = %v, want %q", tt.in, err, tt.wantErr)
			}
		})
	}
}
