package manage

import (
	"context"

	"wharf"
	"wharf/dist"
	"wharf/tlog"
	"wharf/translog"
)

// Service performs management actions. It is safe for concurrent use.
type Service struct {
	store    wharf.Store
	blobs    wharf.BlobStore
	onChange func(project string)
}

// New returns a Service; onChange, when set, is called after each commit.
func New(store wharf.Store, blobs wharf.BlobStore, onChange func(string)) *Service {
	return &Service{store: store, blobs: blobs, onChange: onChange}
}

func (s *Service) changed(project string) {
	if s.onChange != nil {
		s.onChange(project)
	}
}

// release finds a project's release by any spelling of name and version,
// for an actor who may change it (see Access). The actor is checked
// before the version is read, so someone with no part in the project
// learns nothing from the answer, not even which versions exist.
func release(ctx context.Context, tx wharf.Tx, actor wharf.Actor, name, version string) (*wharf.Project, *wharf.Release, error) {
	p, err := manageable(ctx, tx, actor, name)
	if err != nil {
		return nil, nil, err
	}
	r, err := releaseOf(ctx, tx, p, version)
	if err != nil {
		return nil, nil, err
	}
	return p, r, nil
}

// Yank marks a release yanked (PEP 592) with an optional reason; yanking it
// again updates the reason. Like Unyank and Delete, it is for the operator
// and the project's owners only (see Access).
func (s *Service) Yank(ctx context.Context, actor wharf.Actor, name, version, reason string) error {
	return s.setYanked(ctx, actor, name, version, true, reason)
}

// Unyank clears a release's yank.
func (s *Service) Unyank(ctx context.Context, actor wharf.Actor, name, version string) error {
	return s.setYanked(ctx, actor, name, version, false, "")
}

func (s *Service) setYanked(ctx context.Context, actor wharf.Actor, name, version string, yanked bool, reason string) error {
	var project string
	err := s.store.Update(ctx, func(tx wharf.Tx) error {
		p, r, err := release(ctx, tx, actor, name, version)
		if err != nil {
			return err
		}
		project = p.Name
		if err := tx.SetYanked(ctx, r.ID, yanked, reason); err != nil {
			return err
		}
		action, tag, kind := wharf.ActionYank, "project:release:yank", tlog.KindYank
		if !yanked {
			action, tag, kind = wharf.ActionUnyank, "project:release:unyank", tlog.KindUnyank
		}
		if _, err := translog.Append(ctx, tx, translog.EventRecord(kind, p.Name, r.Version, nil, tx.Now())); err != nil {
			return err
		}
		if err := tx.Journal(ctx, &wharf.JournalEntry{Project: p.Name, Version: r.Version, Action: action, ActorID: actor.UserID}); err != nil {
			return err
		}
		return tx.AddEvent(ctx, actor.Event(tag, p.ID, 0, map[string]any{"version": r.Version, "yanked_reason": reason}))
	})
	if err == nil {
		s.changed(project)
	}
	return err
}

// Delete removes a whole release, or one file of it when filename is not
// empty. Deleted filenames stay reserved forever. Blobs no longer used by
// any file are removed after the commit.
func (s *Service) Delete(ctx context.Context, actor wharf.Actor, name, version, filename string) error {
	var project string
	var gone []wharf.File
	err := s.store.Update(ctx, func(tx wharf.Tx) error {
		p, r, err := release(ctx, tx, actor, name, version)
		if err != nil {
			return err
		}
		project = p.Name
		files, err := tx.ReleaseFiles(ctx, r.ID)
		if err != nil {
			return err
		}
		if filename == "" {
			gone = files
			return s.deleteRelease(ctx, tx, actor, p, r, files)
		}
		for _, f := range files {
			if f.Filename == filename {
				gone = []wharf.File{f}
				return s.deleteFile(ctx, tx, actor, p, r, f)
			}
		}
		return wharf.Errorf(wharf.ENOTFOUND, "File %q not found in release %s.", filename, r.Version)
	})
	if err != nil {
		return err
	}
	s.changed(project)
	s.dropBlobs(ctx, gone)
	return nil
}

func (s *Service) deleteRelease(ctx context.Context, tx wharf.Tx, actor wharf.Actor, p *wharf.Project, r *wharf.Release, files []wharf.File) error {
	var size int64
	for _, f := range files {
		size += f.Size
	}
	if err := tx.DeleteRelease(ctx, r.ID); err != nil {
		return err
	}
	for i := range files {
		if _, err := translog.Append(ctx, tx, translog.EventRecord(tlog.KindDelete, p.Name, r.Version, &files[i], tx.Now())); err != nil {
			return err
		}
	}
	if _, err := translog.Append(ctx, tx, translog.EventRecord(tlog.KindDelete, p.Name, r.Version, nil, tx.Now())); err != nil {
		return err
	}
	if err := tx.AddProjectSize(ctx, p.ID, -size); err != nil {
		return err
	}
	if err := tx.Journal(ctx, &wharf.JournalEntry{Project: p.Name, Version: r.Version, Action: wharf.ActionRemove, ActorID: actor.UserID}); err != nil {
		return err
	}
	return tx.AddEvent(ctx, actor.Event("project:release:remove", p.ID, 0, map[string]any{"version": r.Version}))
}

func (s *Service) deleteFile(ctx context.Context, tx wharf.Tx, actor wharf.Actor, p *wharf.Project, r *wharf.Release, f wharf.File) error {
	if err := tx.DeleteFile(ctx, f.ID); err != nil {
		return err
	}
	if _, err := translog.Append(ctx, tx, translog.EventRecord(tlog.KindDelete, p.Name, r.Version, &f, tx.Now())); err != nil {
		return err
	}
	if err := tx.AddProjectSize(ctx, p.ID, -f.Size); err != nil {
		return err
	}
	if err := tx.Journal(ctx, &wharf.JournalEntry{Project: p.Name, Version: r.Version, Filename: f.Filename, Action: wharf.ActionRemFile, ActorID: actor.UserID}); err != nil {
		return err
	}
	return tx.AddEvent(ctx, actor.Event("file:remove", p.ID, 0, map[string]any{"version": r.Version, "filename": f.Filename}))
}

// dropBlobs deletes the blobs of deleted files that no file references any
// more. A failure leaves an unreferenced blob, which fsck notes and
// --repair removes.
func (s *Service) dropBlobs(ctx context.Context, files []wharf.File) {
	var sums []string
	for _, f := range files {
		sums = append(sums, f.SHA256, f.MetadataSHA256)
	}
	_, _ = DropUnreferenced(ctx, s.store, s.blobs, sums)
}

// DropUnreferenced deletes each blob (by sha256) that no file references
// and returns how many it deleted. The check and the deletion happen while
// holding the store's write transaction, and an upload checks that its
// blobs exist inside its own write transaction (re-writing them if not),
// so a blob can never be deleted from under a file being committed.
func DropUnreferenced(ctx context.Context, store wharf.Store, blobs wharf.BlobStore, sums []string) (int, error) {
	removed := 0
	err := store.Update(ctx, func(tx wharf.Tx) error {
		for _, sum := range sums {
			if sum == "" {
				continue
			}
			used, err := tx.BlobReferenced(ctx, sum)
			if err != nil {
				return err
			}
			if used {
				continue
			}
			if err := blobs.Delete(ctx, wharf.BlobKey(sum)); err != nil {
				return err
			}
			removed++
		}
		return nil
	})
	return removed, err
}

// SetRole gives user the role ("Owner" or "Maintainer") on the project, or
// removes their role when role is "". The last owner cannot be removed or
// demoted. Any other role is refused with EINVALID.
func (s *Service) SetRole(ctx context.Context, actor wharf.Actor, name, userName, role string) error {
	// Upload permission is "has any role", so an unchecked role such as
	// "owner" or "Admin" would grant uploads while counting as no owner.
	if role != "" && role != wharf.RoleOwner && role != wharf.RoleMaintainer {
		return wharf.Errorf(wharf.EINVALID, "Unknown role %q: use %s or %s.", role, wharf.RoleOwner, wharf.RoleMaintainer)
	}
	var project string
	err := s.store.Update(ctx, func(tx wharf.Tx) error {
		p, err := tx.ProjectByName(ctx, dist.NormalizeName(name))
		if err != nil {
			return err
		}
		project = p.Name
		u, err := tx.UserByName(ctx, userName)
		if err != nil {
			return err
		}
		if err := lastOwnerCheck(ctx, tx, p, u, role); err != nil {
			return err
		}
		// A removal is recorded with the role removed ("remove role Owner
		// bob"), not with the empty new role.
		old, err := tx.RoleOf(ctx, p.ID, u.ID)
		if err != nil {
			return err
		}
		action, tag, named := wharf.ActionAddRole, "project:role:add", role
		if role == "" {
			if old == "" {
				return wharf.Errorf(wharf.ENOTFOUND, "%s has no role on %s.", u.Name, p.DisplayName)
			}
			action, tag, named = wharf.ActionDelRole, "project:role:remove", old
			err = tx.RemoveRole(ctx, p.ID, u.ID)
		} else {
			err = tx.SetRole(ctx, p.ID, u.ID, role)
		}
		if err != nil {
			return err
		}
		if err := tx.Journal(ctx, &wharf.JournalEntry{Project: p.Name, Action: action + " " + named + " " + u.Name, ActorID: actor.UserID}); err != nil {
			return err
		}
		// The event concerns the target user: with 0 it would name the
		// actor, who is nobody for the CLI.
		return tx.AddEvent(ctx, actor.Event(tag, p.ID, u.ID, map[string]any{"role_name": named, "target_user": u.Name}))
	})
	if err == nil {
		s.changed(project)
	}
	return err
}

func lastOwnerCheck(ctx context.Context, tx wharf.Tx, p *wharf.Project, u *wharf.User, role string) error {
	if role == wharf.RoleOwner {
		return nil
	}
	roles, err := tx.Roles(ctx, p.ID)
	if err != nil {
		return err
	}
	owners, isOwner := 0, false
	for _, r := range roles {
		if r.Role == wharf.RoleOwner {
			owners++
			isOwner = isOwner || r.UserID == u.ID
		}
	}
	if isOwner && owners == 1 {
		return wharf.Errorf(wharf.ECONFLICT, "%s is the last owner of %s; add another owner first.", u.Name, p.DisplayName)
	}
	return nil
}
