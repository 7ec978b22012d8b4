package web

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strconv"

	"wharf"
)

// maxCosignatureBody bounds a witness's POST: a checkpoint note with a few
// signature lines is well under a kilobyte.
const maxCosignatureBody = 16 << 10

// logRoutes adds the transparency log's endpoints, laid out as the Go
// checksum database's: the signed checkpoint, tiles of the tree, and
// lookups of a file's record with its inclusion proof.
func (s *Server) logRoutes(m *http.ServeMux) {
	m.Handle("GET /log/checkpoint", s.handle(s.logCheckpoint))
	m.Handle("GET /log/tile/{path...}", s.handle(s.logTile))
	m.Handle("GET /log/lookup/{filename}", s.handle(s.logLookup))
	m.Handle("POST /log/cosign", s.handle(s.logCosign))
}

// logCheckpoint serves the latest signed checkpoint with the witnesses'
// cosignatures. It changes with every upload, so it is never cached
// without revalidation.
func (s *Server) logCheckpoint(w http.ResponseWriter, r *http.Request) error {
	msg, err := s.tlog.Checkpoint(r.Context())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(msg)
	return nil
}

// logTile serves a tile. A full tile never changes, so it is cached
// forever; a partial one is replaced by a wider one as the log grows.
func (s *Server) logTile(w http.ResponseWriter, r *http.Request) error {
	data, full, err := s.tlog.Tile(r.Context(), r.PathValue("path"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	if full {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=60")
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.Write(data)
	return nil
}

// logLookupReply is the JSON answer of /log/lookup/<filename>.
type logLookupReply struct {
	Index      int64    `json:"index"`
	Record     string   `json:"record"`     // canonical record text; its hash is the leaf
	Checkpoint string   `json:"checkpoint"` // the signed note the proof is against
	TreeSize   int64    `json:"tree_size"`
	Proof      []string `json:"inclusion_proof"` // base64 hashes, as tlog.RecordProof
}

// logLookup serves a file's log record with its inclusion proof.
func (s *Server) logLookup(w http.ResponseWriter, r *http.Request) error {
	l, err := s.tlog.Lookup(r.Context(), r.PathValue("filename"))
	if err != nil {
		return err
	}
	reply := logLookupReply{Index: l.Index, Record: string(l.Record), Checkpoint: string(l.Checkpoint), TreeSize: l.Size}
	for _, h := range l.Proof {
		reply.Proof = append(reply.Proof, base64.StdEncoding.EncodeToString(h[:]))
	}
	body, err := json.Marshal(reply)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(body)
	return nil
}

// logCosign takes a witness's cosignature of one of the log's checkpoints.
func (s *Server) logCosign(w http.ResponseWriter, r *http.Request) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxCosignatureBody))
	if err != nil {
		return wharf.Errorf(wharf.ETOOLARGE, "Cosignature body too large.")
	}
	n, err := s.tlog.Cosign(r.Context(), body)
	if err != nil {
		return err
	}
	s.log.Info("transparency log: cosignature stored", "signatures", n)
	w.WriteHeader(http.StatusNoContent)
	return nil
}
