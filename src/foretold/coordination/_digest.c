/* One text's near-copy digest in C: the same words, CRC-32s, MinHash signature and LSH
 * band keys as the numpy path of foretold/coordination/nearcopy.py, one text at a time.
 *
 * The Python path cuts a text with regular expressions, hashes its words with zlib and
 * its bigrams with numpy; per text, the interpreter's calls cost more than the arithmetic
 * (docs/coordination.md). Here one pass over the lower-cased text finds the words, and
 * the bigrams are hashed in plain loops. tests/coordination/test_digest_c.py checks that
 * both paths give the same digest, text for text. The module is optional: setup.py builds
 * it where a C compiler is, and nearcopy.py falls back to the Python path without it.
 * Beside it, ``Bands``: the LSH buckets (band key -> cluster) as an open-addressing table,
 * which also finds a text's best cluster among those its bands meet (``match``).
 *
 * The words, as nearcopy.tokens finds them: on the lower-cased text, links
 * (https?://\S+), mentions ((?<!\w)@\w+), the retweet marker ((?<!\w)rt(?!\w)) and R's
 * escapes (<u\+[0-9a-f]+>) are dropped, and the words are the runs of \w left (a word
 * character is alphanumeric, as str.isalnum says, or "_"; exactly what re's \w is).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

static uint32_t crc_table[256];
static PyObject *lower_name;     /* "lower", interned */
static PyObject *signature_name; /* "signature", interned */

static void crc_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

/* the CRC-32 register (zlib's crc32 is its complement) after ``ch``'s UTF-8 bytes */
static inline uint32_t crc_char(uint32_t reg, Py_UCS4 ch) {
    unsigned char buf[4];
    int n;
    if (ch < 0x80) {
        buf[0] = (unsigned char)ch;
        n = 1;
    } else if (ch < 0x800) {
        buf[0] = (unsigned char)(0xC0 | (ch >> 6));
        buf[1] = (unsigned char)(0x80 | (ch & 0x3F));
        n = 2;
    } else if (ch < 0x10000) {
        buf[0] = (unsigned char)(0xE0 | (ch >> 12));
        buf[1] = (unsigned char)(0x80 | ((ch >> 6) & 0x3F));
        buf[2] = (unsigned char)(0x80 | (ch & 0x3F));
        n = 3;
    } else {
        buf[0] = (unsigned char)(0xF0 | (ch >> 18));
        buf[1] = (unsigned char)(0x80 | ((ch >> 12) & 0x3F));
        buf[2] = (unsigned char)(0x80 | ((ch >> 6) & 0x3F));
        buf[3] = (unsigned char)(0x80 | (ch & 0x3F));
        n = 4;
    }
    for (int i = 0; i < n; i++) reg = crc_table[(reg ^ buf[i]) & 0xFF] ^ (reg >> 8);
    return reg;
}

static inline int is_word(Py_UCS4 ch) { return ch == '_' || Py_UNICODE_ISALNUM(ch); }

#define AT(i) PyUnicode_READ(kind, data, (i))

/* how many characters a dropped token takes at ``i`` (0: none starts there) */
static Py_ssize_t dropped(int kind, const void *data, Py_ssize_t n, Py_ssize_t i) {
    Py_UCS4 ch = AT(i);
    if (ch == 'h' && i + 7 < n && AT(i + 1) == 't' && AT(i + 2) == 't' && AT(i + 3) == 'p') {
        Py_ssize_t j = i + 4;
        if (AT(j) == 's') j++;
        if (j + 3 < n && AT(j) == ':' && AT(j + 1) == '/' && AT(j + 2) == '/' &&
            !Py_UNICODE_ISSPACE(AT(j + 3))) {
            j += 3;
            while (j < n && !Py_UNICODE_ISSPACE(AT(j))) j++;
            return j - i;
        }
    }
    int after_word = i > 0 && is_word(AT(i - 1));
    if (ch == '@' && !after_word && i + 1 < n && is_word(AT(i + 1))) {
        Py_ssize_t j = i + 1;
        while (j < n && is_word(AT(j))) j++;
        return j - i;
    }
    if (ch == 'r' && !after_word && i + 1 < n && AT(i + 1) == 't' &&
        (i + 2 == n || !is_word(AT(i + 2))))
        return 2;
    if (ch == '<' && i + 3 < n && AT(i + 1) == 'u' && AT(i + 2) == '+') {
        Py_ssize_t j = i + 3;
        while (j < n && ((AT(j) >= '0' && AT(j) <= '9') || (AT(j) >= 'a' && AT(j) <= 'f'))) j++;
        if (j > i + 3 && j < n && AT(j) == '>') return j + 1 - i;
    }
    return 0;
}

/* digest(text, min_tokens, a, b, row_mix, bands) -> (exact, signature, keys) or None
 *
 * a, b: the multiply-shift permutations (num_perm uint64 each, native order), row_mix:
 * the rows' mixers (num_perm / bands uint64); signature: num_perm uint32 in bytes;
 * keys: one uint64 per band in bytes. None when the text has fewer than min_tokens words. */
static PyObject *digest(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 6 || !PyUnicode_Check(args[0]) || !PyBytes_Check(args[2]) ||
        !PyBytes_Check(args[3]) || !PyBytes_Check(args[4])) {
        PyErr_SetString(PyExc_TypeError,
                        "digest(text: str, min_tokens: int, a: bytes, b: bytes, "
                        "row_mix: bytes, bands: int)");
        return NULL;
    }
    Py_ssize_t min_tokens = PyLong_AsSsize_t(args[1]);
    Py_ssize_t bands = PyLong_AsSsize_t(args[5]);
    if (PyErr_Occurred()) return NULL;
    Py_ssize_t perms = PyBytes_GET_SIZE(args[2]) / 8;
    if (bands <= 0 || bands > 64 || perms == 0 || perms % bands ||
        PyBytes_GET_SIZE(args[3]) != perms * 8 ||
        PyBytes_GET_SIZE(args[4]) != (perms / bands) * 8) {
        PyErr_SetString(PyExc_ValueError, "digest: a, b and row_mix do not fit num_perm/bands");
        return NULL;
    }
    Py_ssize_t rows = perms / bands;
    uint64_t a[256], b[256], mix[256];
    if (perms > 256) {
        PyErr_SetString(PyExc_ValueError, "digest: at most 256 permutations");
        return NULL;
    }
    memcpy(a, PyBytes_AS_STRING(args[2]), perms * 8);
    memcpy(b, PyBytes_AS_STRING(args[3]), perms * 8);
    memcpy(mix, PyBytes_AS_STRING(args[4]), rows * 8);

    /* the lower-cased text: an ASCII text lowered here (what str.lower does to it), into
     * a buffer; any other by str.lower, which knows every script's cases */
    PyObject *low = NULL;
    Py_UCS1 ascii_small[1024];
    Py_UCS1 *ascii = NULL;
    int kind;
    const void *data;
    Py_ssize_t n;
    if (PyUnicode_IS_ASCII(args[0])) {
        n = PyUnicode_GET_LENGTH(args[0]);
        ascii = n <= 1024 ? ascii_small : PyMem_Malloc(n);
        if (ascii == NULL) return PyErr_NoMemory();
        const Py_UCS1 *src = PyUnicode_1BYTE_DATA(args[0]);
        for (Py_ssize_t k = 0; k < n; k++)
            ascii[k] = (src[k] >= 'A' && src[k] <= 'Z') ? src[k] + 32 : src[k];
        kind = PyUnicode_1BYTE_KIND;
        data = ascii;
    } else {
        low = PyObject_CallMethodNoArgs(args[0], lower_name);
        if (low == NULL) return NULL;
        kind = PyUnicode_KIND(low);
        data = PyUnicode_DATA(low);
        n = PyUnicode_GET_LENGTH(low);
    }

    uint32_t small[512];
    uint32_t *words = small;
    if (n / 2 + 1 > 512) {
        words = PyMem_Malloc(sizeof(uint32_t) * (n / 2 + 1));
        if (words == NULL) {
            Py_XDECREF(low);
            if (ascii != ascii_small) PyMem_Free(ascii);
            return PyErr_NoMemory();
        }
    }
    Py_ssize_t nw = 0;
    uint32_t exact = 0xFFFFFFFFu, word = 0xFFFFFFFFu;
    int in_word = 0;
    Py_ssize_t i = 0;
    while (i < n) {
        Py_ssize_t skip = dropped(kind, data, n, i);
        Py_UCS4 ch = skip ? 0 : AT(i);
        if (!skip && is_word(ch)) {
            if (!in_word) {
                if (nw) exact = crc_table[(exact ^ ' ') & 0xFF] ^ (exact >> 8);
                word = 0xFFFFFFFFu;
                in_word = 1;
            }
            word = crc_char(word, ch);
            exact = crc_char(exact, ch);
            i++;
            continue;
        }
        if (in_word) {
            words[nw++] = ~word;
            in_word = 0;
        }
        i += skip ? skip : 1;
    }
    if (in_word) words[nw++] = ~word;
    Py_XDECREF(low);
    if (ascii != NULL && ascii != ascii_small) PyMem_Free(ascii);
    if (nw < min_tokens || nw < 2) {
        if (words != small) PyMem_Free(words);
        Py_RETURN_NONE;
    }

    uint64_t sig[256];
    for (Py_ssize_t j = 0; j < perms; j++) sig[j] = UINT64_MAX;
    for (Py_ssize_t k = 0; k + 1 < nw; k++) {
        uint64_t x = ((uint64_t)words[k] << 32) | words[k + 1];
        for (Py_ssize_t j = 0; j < perms; j++) {
            uint64_t h = a[j] * x + b[j];
            if (h < sig[j]) sig[j] = h;
        }
    }
    if (words != small) PyMem_Free(words);

    PyObject *sigbytes = PyBytes_FromStringAndSize(NULL, perms * 4);
    PyObject *keys = PyBytes_FromStringAndSize(NULL, bands * 8);
    if (sigbytes == NULL || keys == NULL) {
        Py_XDECREF(sigbytes);
        Py_XDECREF(keys);
        return NULL;
    }
    uint32_t *out = (uint32_t *)PyBytes_AS_STRING(sigbytes);
    for (Py_ssize_t j = 0; j < perms; j++) {
        sig[j] >>= 32;
        out[j] = (uint32_t)sig[j];
    }
    uint64_t *key = (uint64_t *)PyBytes_AS_STRING(keys);
    for (Py_ssize_t band = 0; band < bands; band++) {
        uint64_t s = 0;
        for (Py_ssize_t r = 0; r < rows; r++) s += sig[band * rows + r] * mix[r];
        key[band] = (s << 6) | (uint64_t)band;
    }
    PyObject *ex = PyLong_FromUnsignedLong(~exact);
    if (ex == NULL) {
        Py_DECREF(sigbytes);
        Py_DECREF(keys);
        return NULL;
    }
    PyObject *result = PyTuple_New(3);
    if (result == NULL) {
        Py_DECREF(ex);
        Py_DECREF(sigbytes);
        Py_DECREF(keys);
        return NULL;
    }
    PyTuple_SET_ITEM(result, 0, ex);
    PyTuple_SET_ITEM(result, 1, sigbytes);
    PyTuple_SET_ITEM(result, 2, keys);
    return result;
}

/* ---- Bands: the LSH buckets, band key (uint64) -> cluster id (>= 0) ----------------
 *
 * An open-addressing table with linear probing, in two flat arrays: a text's 16 lookups
 * and claims touch 16 slots, where a dict of ints reads its index, its entries and each
 * key's int object (and a text made 16 int objects for its keys). Entries are never
 * deleted one by one: ``keep`` rebuilds the table with the clusters still kept. */

typedef struct {
    PyObject_HEAD uint64_t *keys;
    int64_t *vals; /* -1: an empty slot */
    Py_ssize_t cap, used;
} Bands;

static inline Py_ssize_t slot_of(const Bands *t, uint64_t key) {
    Py_ssize_t mask = t->cap - 1;
    Py_ssize_t i = (Py_ssize_t)((key * 0x9E3779B97F4A7C15ull) >> 20) & mask;
    while (t->vals[i] >= 0 && t->keys[i] != key) i = (i + 1) & mask;
    return i;
}

static int bands_alloc(Bands *t, Py_ssize_t cap) {
    uint64_t *keys = PyMem_Malloc(sizeof(uint64_t) * cap);
    int64_t *vals = PyMem_Malloc(sizeof(int64_t) * cap);
    if (keys == NULL || vals == NULL) {
        PyMem_Free(keys);
        PyMem_Free(vals);
        PyErr_NoMemory();
        return -1;
    }
    for (Py_ssize_t i = 0; i < cap; i++) vals[i] = -1;
    t->keys = keys;
    t->vals = vals;
    t->cap = cap;
    t->used = 0;
    return 0;
}

/* rebuild into ``cap`` slots, keeping the entries whose cluster ``keep_of`` holds (all
 * when it is NULL) */
static int bands_rebuild(Bands *t, Py_ssize_t cap, PyObject *keep_of) {
    uint64_t *old_keys = t->keys;
    int64_t *old_vals = t->vals;
    Py_ssize_t old_cap = t->cap;
    if (bands_alloc(t, cap) < 0) {
        t->keys = old_keys;
        t->vals = old_vals;
        t->cap = old_cap;
        return -1;
    }
    int err = 0;
    for (Py_ssize_t i = 0; i < old_cap && !err; i++) {
        if (old_vals[i] < 0) continue;
        if (keep_of != NULL) {
            PyObject *cid = PyLong_FromLongLong(old_vals[i]);
            int has = cid == NULL ? -1 : PyDict_Contains(keep_of, cid);
            Py_XDECREF(cid);
            if (has < 0) {
                err = 1;
                break;
            }
            if (!has) continue;
        }
        Py_ssize_t j = slot_of(t, old_keys[i]);
        t->keys[j] = old_keys[i];
        t->vals[j] = old_vals[i];
        t->used++;
    }
    PyMem_Free(old_keys);
    PyMem_Free(old_vals);
    return err ? -1 : 0;
}

static int bands_grow(Bands *t, Py_ssize_t more) {
    if ((t->used + more) * 2 <= t->cap) return 0;
    Py_ssize_t cap = t->cap;
    while ((t->used + more) * 2 > cap) cap *= 2;
    return bands_rebuild(t, cap, NULL);
}

static PyObject *Bands_new(PyTypeObject *type, PyObject *args, PyObject *kw) {
    (void)args;
    (void)kw;
    Bands *t = (Bands *)type->tp_alloc(type, 0);
    if (t == NULL) return NULL;
    if (bands_alloc(t, 1024) < 0) {
        Py_DECREF(t);
        return NULL;
    }
    return (PyObject *)t;
}

static void Bands_dealloc(Bands *t) {
    PyMem_Free(t->keys);
    PyMem_Free(t->vals);
    Py_TYPE(t)->tp_free((PyObject *)t);
}

static Py_ssize_t Bands_len(Bands *t) { return t->used; }

static int keys_arg(PyObject *o, const uint64_t **keys, Py_ssize_t *n) {
    if (!PyBytes_Check(o) || PyBytes_GET_SIZE(o) % 8) {
        PyErr_SetString(PyExc_TypeError, "band keys: bytes of uint64 values");
        return -1;
    }
    *keys = (const uint64_t *)PyBytes_AS_STRING(o);
    *n = PyBytes_GET_SIZE(o) / 8;
    return 0;
}

/* find(keys) -> the cluster of each band key, None where no cluster holds it; None
 * alone when no band key is held (most new texts) */
static PyObject *Bands_find(Bands *t, PyObject *arg) {
    const uint64_t *keys;
    Py_ssize_t n;
    if (keys_arg(arg, &keys, &n) < 0) return NULL;
    Py_ssize_t first = 0; /* the first band key held */
    while (first < n && t->vals[slot_of(t, keys[first])] < 0) first++;
    if (first == n) Py_RETURN_NONE;
    PyObject *out = PyList_New(n);
    if (out == NULL) return NULL;
    for (Py_ssize_t k = 0; k < n; k++) {
        PyObject *v;
        int64_t held = k < first ? -1 : t->vals[slot_of(t, keys[k])];
        if (held < 0) {
            v = Py_None;
            Py_INCREF(v);
        } else if ((v = PyLong_FromLongLong(held)) == NULL) {
            Py_DECREF(out);
            return NULL;
        }
        PyList_SET_ITEM(out, k, v);
    }
    return out;
}

/* match(keys, signature, kept, similarity) -> None when no band key is held; else
 * (best, forgotten): of the clusters the bands hold, once each in band order, the one
 * ``kept`` (cluster id -> an object with a ``signature``) holds whose signature shares
 * the most values with ``signature``, if that share is at least ``similarity`` (the
 * later one on a tie), else None; and whether a band is held by a cluster ``kept`` no
 * longer holds */
static PyObject *Bands_match(Bands *t, PyObject *const *args, Py_ssize_t nargs) {
    const uint64_t *keys;
    Py_ssize_t n;
    if (nargs != 4 || keys_arg(args[0], &keys, &n) < 0 || !PyBytes_Check(args[1]) ||
        !PyDict_Check(args[2])) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "match(keys, signature, kept, similarity)");
        return NULL;
    }
    double best_sim = PyFloat_AsDouble(args[3]);
    if (best_sim == -1.0 && PyErr_Occurred()) return NULL;
    const char *sig = PyBytes_AS_STRING(args[1]);
    Py_ssize_t width = PyBytes_GET_SIZE(args[1]);
    if (width == 0 || width % 4) {
        PyErr_SetString(PyExc_ValueError, "match: a signature is 4k bytes, k > 0");
        return NULL;
    }
    int64_t seen[64];
    Py_ssize_t nseen = 0;
    int held = 0, forgotten = 0;
    long long best = -1;
    for (Py_ssize_t k = 0; k < n; k++) {
        int64_t cand = t->vals[slot_of(t, keys[k])];
        if (cand < 0) continue;
        held = 1;
        int dup = 0;
        for (Py_ssize_t j = 0; j < nseen; j++) dup |= seen[j] == cand;
        if (dup || nseen == 64) continue;
        seen[nseen++] = cand;
        PyObject *id = PyLong_FromLongLong(cand);
        if (id == NULL) return NULL;
        PyObject *cluster = PyDict_GetItemWithError(args[2], id); /* borrowed */
        Py_DECREF(id);
        if (cluster == NULL) {
            if (PyErr_Occurred()) return NULL;
            forgotten = 1;
            continue;
        }
        PyObject *other = PyObject_GetAttr(cluster, signature_name);
        if (other == NULL) return NULL;
        if (!PyBytes_Check(other) || PyBytes_GET_SIZE(other) != width) {
            Py_DECREF(other);
            PyErr_SetString(PyExc_ValueError, "match: signatures of one length");
            return NULL;
        }
        const char *o = PyBytes_AS_STRING(other);
        long same = 0;
        for (Py_ssize_t i = 0; i < width / 4; i++) {
            uint32_t u, v;
            memcpy(&u, sig + 4 * i, 4);
            memcpy(&v, o + 4 * i, 4);
            same += u == v;
        }
        Py_DECREF(other);
        double sim = (double)same / (double)(width / 4);
        if (sim >= best_sim) {
            best = cand;
            best_sim = sim;
        }
    }
    if (!held) Py_RETURN_NONE;
    if (best < 0) return Py_BuildValue("(OO)", Py_None, forgotten ? Py_True : Py_False);
    return Py_BuildValue("(LO)", best, forgotten ? Py_True : Py_False);
}

/* claim(keys, cluster, kept=None): the band keys no cluster holds are the cluster's;
 * with ``kept`` (a dict of the clusters kept), so are those a forgotten cluster held */
static PyObject *Bands_claim(Bands *t, PyObject *const *args, Py_ssize_t nargs) {
    const uint64_t *keys;
    Py_ssize_t n;
    if (nargs < 2 || nargs > 3 || keys_arg(args[0], &keys, &n) < 0) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "claim(keys, cluster, kept=None)");
        return NULL;
    }
    long long cid = PyLong_AsLongLong(args[1]);
    if (cid == -1 && PyErr_Occurred()) return NULL;
    if (cid < 0) {
        PyErr_SetString(PyExc_ValueError, "a cluster id is >= 0");
        return NULL;
    }
    PyObject *kept = nargs == 3 && args[2] != Py_None ? args[2] : NULL;
    if (kept != NULL && !PyDict_Check(kept)) {
        PyErr_SetString(PyExc_TypeError, "kept: a dict of the clusters kept");
        return NULL;
    }
    if (bands_grow(t, n) < 0) return NULL;
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_ssize_t j = slot_of(t, keys[k]);
        if (t->vals[j] < 0) {
            t->keys[j] = keys[k];
            t->vals[j] = cid;
            t->used++;
        } else if (kept != NULL) {
            PyObject *held = PyLong_FromLongLong(t->vals[j]);
            int has = held == NULL ? -1 : PyDict_Contains(kept, held);
            Py_XDECREF(held);
            if (has < 0) return NULL;
            if (!has) t->vals[j] = cid;
        }
    }
    Py_RETURN_NONE;
}

/* keep(kept): drop the band keys of clusters ``kept`` (a dict) no longer holds */
static PyObject *Bands_keep(Bands *t, PyObject *kept) {
    if (!PyDict_Check(kept)) {
        PyErr_SetString(PyExc_TypeError, "keep(kept: dict)");
        return NULL;
    }
    if (bands_rebuild(t, t->cap, kept) < 0) return NULL;
    Py_ssize_t cap = t->cap; /* shrink to fit, no smaller than 1,024 slots */
    while (cap > 1024 && t->used * 8 < cap) cap /= 2;
    if (cap != t->cap && bands_rebuild(t, cap, NULL) < 0) return NULL;
    Py_RETURN_NONE;
}

/* items() -> (keys, clusters): every entry, as uint64 and int64 bytes, in slot order */
static PyObject *Bands_items(Bands *t, PyObject *unused) {
    (void)unused;
    PyObject *keys = PyBytes_FromStringAndSize(NULL, t->used * 8);
    PyObject *vals = PyBytes_FromStringAndSize(NULL, t->used * 8);
    if (keys == NULL || vals == NULL) {
        Py_XDECREF(keys);
        Py_XDECREF(vals);
        return NULL;
    }
    uint64_t *k = (uint64_t *)PyBytes_AS_STRING(keys);
    int64_t *v = (int64_t *)PyBytes_AS_STRING(vals);
    Py_ssize_t m = 0;
    for (Py_ssize_t i = 0; i < t->cap; i++) {
        if (t->vals[i] < 0) continue;
        k[m] = t->keys[i];
        v[m++] = t->vals[i];
    }
    return Py_BuildValue("(NN)", keys, vals);
}

/* load(keys, clusters): set each key's cluster (the bytes items() gave) */
static PyObject *Bands_load(Bands *t, PyObject *const *args, Py_ssize_t nargs) {
    const uint64_t *keys;
    Py_ssize_t n;
    if (nargs != 2 || keys_arg(args[0], &keys, &n) < 0 || !PyBytes_Check(args[1]) ||
        PyBytes_GET_SIZE(args[1]) != n * 8) {
        if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "load(keys, clusters)");
        return NULL;
    }
    const int64_t *vals = (const int64_t *)PyBytes_AS_STRING(args[1]);
    if (bands_grow(t, n) < 0) return NULL;
    for (Py_ssize_t k = 0; k < n; k++) {
        if (vals[k] < 0) {
            PyErr_SetString(PyExc_ValueError, "a cluster id is >= 0");
            return NULL;
        }
        Py_ssize_t j = slot_of(t, keys[k]);
        if (t->vals[j] < 0) t->used++;
        t->keys[j] = keys[k];
        t->vals[j] = vals[k];
    }
    Py_RETURN_NONE;
}

static PyObject *Bands_reduce(Bands *t, PyObject *unused) {
    PyObject *items = Bands_items(t, unused);
    if (items == NULL) return NULL;
    return Py_BuildValue("(O()N)", Py_TYPE(t), items);
}

static PyObject *Bands_setstate(Bands *t, PyObject *state) {
    if (!PyTuple_Check(state) || PyTuple_GET_SIZE(state) != 2) {
        PyErr_SetString(PyExc_TypeError, "Bands state: (keys, clusters)");
        return NULL;
    }
    return Bands_load(t, &PyTuple_GET_ITEM(state, 0), 2);
}

static PyMethodDef Bands_methods[] = {
    {"find", (PyCFunction)Bands_find, METH_O, "find(keys) -> each band's cluster, or None"},
    {"match", (PyCFunction)(void (*)(void))Bands_match, METH_FASTCALL,
     "match(keys, signature, kept, similarity) -> None, or (best cluster or None, forgotten)"},
    {"claim", (PyCFunction)(void (*)(void))Bands_claim, METH_FASTCALL,
     "claim(keys, cluster, kept=None): the free band keys become the cluster's"},
    {"keep", (PyCFunction)Bands_keep, METH_O, "keep(kept): drop the forgotten clusters' keys"},
    {"items", (PyCFunction)Bands_items, METH_NOARGS, "items() -> (keys, clusters) as bytes"},
    {"load", (PyCFunction)(void (*)(void))Bands_load, METH_FASTCALL,
     "load(keys, clusters): set each key's cluster"},
    {"__reduce__", (PyCFunction)Bands_reduce, METH_NOARGS, NULL},
    {"__setstate__", (PyCFunction)Bands_setstate, METH_O, NULL},
    {NULL, NULL, 0, NULL},
};

static PySequenceMethods Bands_as_sequence = {.sq_length = (lenfunc)Bands_len};

static PyTypeObject BandsType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "foretold.coordination._digest.Bands",
    .tp_basicsize = sizeof(Bands),
    .tp_dealloc = (destructor)Bands_dealloc,
    .tp_as_sequence = &Bands_as_sequence,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "LSH band key (uint64) -> cluster id: an open-addressing table",
    .tp_methods = Bands_methods,
    .tp_new = Bands_new,
};

static PyMethodDef methods[] = {
    {"digest", (PyCFunction)(void (*)(void))digest, METH_FASTCALL,
     "digest(text, min_tokens, a, b, row_mix, bands) -> (exact, signature, keys) or None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_digest", "A text's near-copy digest and LSH buckets in C.", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__digest(void) {
    crc_init();
    lower_name = PyUnicode_InternFromString("lower");
    signature_name = PyUnicode_InternFromString("signature");
    if (lower_name == NULL || signature_name == NULL) return NULL;
    if (PyType_Ready(&BandsType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) return NULL;
    Py_INCREF(&BandsType);
    if (PyModule_AddObject(m, "Bands", (PyObject *)&BandsType) < 0) {
        Py_DECREF(&BandsType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
