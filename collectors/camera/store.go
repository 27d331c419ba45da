package camera

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/image/draw"

	"github.com/swanwatch/swanwatch/internal/vqd"
)

// Store keeps the cameras' pictures on disk under one directory:
//
//	<dir>/<key>/name              the camera's name (the key is a hash of it: names never become paths)
//	<dir>/<key>/thumb.jpg         the last frame, ThumbWidth wide, for the wall
//	<dir>/<key>/last.jpg, .json   the last frame at up to 640 px, the one an operator can confirm
//	<dir>/<key>/ref-day.jpg, .json the reference snapshot (基准画面) per profile (day, night)
//	<dir>/<key>/ev/<fault>/<unix>.jpg the evidence: the thumbnail of the frame on which a fault turned on
//
// Evidence is bounded by the byte budget, oldest dropped first. The current pictures (one thumbnail,
// last frame and reference per camera) are never dropped: they are what the wall and the scene
// change check need, and they are bounded by the number of cameras.
type Store struct {
	dir    string
	budget int64

	mu       sync.Mutex
	used     int64 // bytes of every file the store wrote or found
	evidence []evidenceFile
	refs     map[string]*vqd.Reference // key/profile → features of the reference
}

type evidenceFile struct {
	path string
	at   time.Time
	size int64
}

// RefMeta says where a reference snapshot came from.
type RefMeta struct {
	At          time.Time `json:"at"`
	Profile     string    `json:"profile"` // day or night
	Provisional bool      `json:"provisional"`
}

// frameMeta is last.json: when the last frame was taken and which profile judged it.
type frameMeta struct {
	At    time.Time `json:"at"`
	Night bool      `json:"night"`
}

// lastWidth is the width of the confirmable last frame and the reference snapshots.
const lastWidth = 640

// ErrNoPicture is returned when a camera has no such picture (yet).
var ErrNoPicture = errors.New("no such picture")

// NewStore opens (creating) dir and indexes the pictures already there, so references and evidence
// survive a restart. budget bounds the bytes kept.
func NewStore(dir string, budget int64) (*Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("camera pictures: %w", err)
	}
	s := &Store{dir: dir, budget: budget, refs: map[string]*vqd.Reference{}}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return nil
		}
		if strings.HasSuffix(d.Name(), ".tmp") { // a write cut short by a crash
			_ = os.Remove(path)
			return nil
		}
		s.used += info.Size()
		if filepath.Base(filepath.Dir(filepath.Dir(path))) == "ev" {
			if sec, err := strconv.ParseInt(strings.TrimSuffix(d.Name(), ".jpg"), 10, 64); err == nil {
				s.evidence = append(s.evidence, evidenceFile{path, time.Unix(sec, 0), info.Size()})
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("camera pictures: index %s: %w", dir, err)
	}
	s.mu.Lock()
	s.trim()
	s.mu.Unlock()
	return s, nil
}

// key is the directory of a camera: a hash, so that no name (../x, a/b, 摄像机) becomes a path.
func key(name string) string {
	h := sha256.Sum256([]byte(name))
	return hex.EncodeToString(h[:12])
}

func (s *Store) path(name string, parts ...string) string {
	return filepath.Join(append([]string{s.dir, key(name)}, parts...)...)
}

// putFrame stores a camera's last frame (thumbnail and confirmable copy) and returns the
// thumbnail's JPEG bytes, which also serve as evidence.
func (s *Store) putFrame(name string, img image.Image, at time.Time, night bool, thumbWidth int) ([]byte, error) {
	thumb, err := encodeJPEG(scaleTo(img, thumbWidth), 75)
	if err != nil {
		return nil, err
	}
	last, err := encodeJPEG(scaleTo(img, lastWidth), 85)
	if err != nil {
		return nil, err
	}
	meta, _ := json.Marshal(frameMeta{At: at, Night: night})
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.writeName(name); err != nil {
		return nil, err
	}
	for file, b := range map[string][]byte{"thumb.jpg": thumb, "last.jpg": last, "last.json": meta} {
		if err := s.write(s.path(name, file), b); err != nil {
			return nil, err
		}
	}
	return thumb, nil
}

// putEvidence keeps the thumbnail on which fault turned on.
func (s *Store) putEvidence(name string, f vqd.Fault, at time.Time, thumb []byte) error {
	p := s.path(name, "ev", string(f), strconv.FormatInt(at.Unix(), 10)+".jpg")
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.writeName(name); err != nil {
		return err
	}
	if err := s.write(p, thumb); err != nil {
		return err
	}
	s.evidence = append(s.evidence, evidenceFile{p, at.Truncate(time.Second), int64(len(thumb))})
	s.trim()
	return nil
}

func (s *Store) writeName(name string) error {
	p := s.path(name, "name")
	if _, err := os.Stat(p); err == nil {
		return nil
	}
	return s.write(p, []byte(name))
}

// write replaces path atomically (temp file and rename) and keeps the byte count. Callers hold mu.
func (s *Store) write(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("camera pictures: %w", err)
	}
	var old int64
	if st, err := os.Stat(path); err == nil {
		old = st.Size()
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o640); err != nil {
		return fmt.Errorf("camera pictures: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("camera pictures: %w", err)
	}
	s.used += int64(len(b)) - old
	return nil
}

// trim drops the oldest evidence until the store is within its budget. Callers hold mu.
func (s *Store) trim() {
	if s.used <= s.budget {
		return
	}
	sort.SliceStable(s.evidence, func(i, j int) bool { return s.evidence[i].at.Before(s.evidence[j].at) })
	n := 0
	for n < len(s.evidence) && s.used > s.budget {
		e := s.evidence[n]
		if err := os.Remove(e.path); err == nil || errors.Is(err, fs.ErrNotExist) {
			s.used -= e.size
		}
		n++
	}
	s.evidence = append(s.evidence[:0], s.evidence[n:]...)
}

// Used is the bytes the store keeps now.
func (s *Store) Used() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.used
}

// Thumb returns the thumbnail of a camera's last frame and when it was taken.
func (s *Store) Thumb(name string) ([]byte, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, err := os.ReadFile(s.path(name, "thumb.jpg"))
	if err != nil {
		return nil, time.Time{}, ErrNoPicture
	}
	m, _ := s.lastMeta(name)
	return b, m.At, nil
}

func (s *Store) lastMeta(name string) (frameMeta, error) {
	var m frameMeta
	b, err := os.ReadFile(s.path(name, "last.json"))
	if err != nil {
		return m, ErrNoPicture
	}
	return m, json.Unmarshal(b, &m)
}

// Evidence returns the evidence of fault on a camera taken at or before at (the newest one when at
// is zero or nothing is that old), and its time.
func (s *Store) Evidence(name string, f vqd.Fault, at time.Time) ([]byte, time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	dir := s.path(name, "ev", string(f))
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, time.Time{}, ErrNoPicture
	}
	var best, newest int64 = -1, -1
	for _, e := range entries {
		sec, err := strconv.ParseInt(strings.TrimSuffix(e.Name(), ".jpg"), 10, 64)
		if err != nil || !strings.HasSuffix(e.Name(), ".jpg") {
			continue
		}
		newest = max(newest, sec)
		if !at.IsZero() && sec <= at.Unix() {
			best = max(best, sec)
		}
	}
	if best < 0 {
		best = newest
	}
	if best < 0 {
		return nil, time.Time{}, ErrNoPicture
	}
	b, err := os.ReadFile(filepath.Join(dir, strconv.FormatInt(best, 10)+".jpg"))
	if err != nil {
		return nil, time.Time{}, ErrNoPicture
	}
	return b, time.Unix(best, 0), nil
}

// Reference returns a camera's reference snapshot of profile (day or night).
func (s *Store) Reference(name, profile string) ([]byte, RefMeta, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var m RefMeta
	b, err := os.ReadFile(s.path(name, "ref-"+profile+".jpg"))
	if err != nil {
		return nil, m, ErrNoPicture
	}
	if mb, err := os.ReadFile(s.path(name, "ref-"+profile+".json")); err == nil {
		_ = json.Unmarshal(mb, &m)
	}
	m.Profile = profile
	return b, m, nil
}

// Confirm makes the camera's last frame its reference for the profile that judged the frame (an
// operator's 确认基准画面).
func (s *Store) Confirm(name string) (RefMeta, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.promote(name, false)
}

// provisional makes the last frame the reference of its profile when that profile has none yet.
func (s *Store) provisional(name string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.lastMeta(name)
	if err != nil {
		return false, err
	}
	if _, err := os.Stat(s.path(name, "ref-"+profileName(m.Night)+".jpg")); err == nil {
		return false, nil
	}
	_, err = s.promote(name, true)
	return err == nil, err
}

// promote copies last.jpg to the reference of its profile. Callers hold mu.
func (s *Store) promote(name string, provisional bool) (RefMeta, error) {
	lm, err := s.lastMeta(name)
	if err != nil {
		return RefMeta{}, ErrNoPicture
	}
	b, err := os.ReadFile(s.path(name, "last.jpg"))
	if err != nil {
		return RefMeta{}, ErrNoPicture
	}
	m := RefMeta{At: lm.At, Profile: profileName(lm.Night), Provisional: provisional}
	mb, _ := json.Marshal(m)
	if err := s.write(s.path(name, "ref-"+m.Profile+".jpg"), b); err != nil {
		return RefMeta{}, err
	}
	if err := s.write(s.path(name, "ref-"+m.Profile+".json"), mb); err != nil {
		return RefMeta{}, err
	}
	delete(s.refs, key(name)+"/"+m.Profile)
	return m, nil
}

// reference returns the features of a camera's reference for a profile, decoding the stored JPEG
// once; nil when there is none.
func (s *Store) reference(name string, night bool) *vqd.Reference {
	profile := profileName(night)
	k := key(name) + "/" + profile
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.refs[k]; ok {
		return r
	}
	b, err := os.ReadFile(s.path(name, "ref-"+profile+".jpg"))
	if err != nil {
		return nil
	}
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		return nil
	}
	r := vqd.NewReference(img)
	s.refs[k] = r
	return r
}

func profileName(night bool) string {
	if night {
		return "night"
	}
	return "day"
}

// scaleTo returns img scaled to width w (never up).
func scaleTo(img image.Image, w int) image.Image {
	b := img.Bounds()
	if b.Dx() <= w {
		return img
	}
	h := max(1, b.Dy()*w/b.Dx())
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.BiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

func encodeJPEG(img image.Image, q int) ([]byte, error) {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: q}); err != nil {
		return nil, fmt.Errorf("camera pictures: encode JPEG: %w", err)
	}
	return b.Bytes(), nil
}
