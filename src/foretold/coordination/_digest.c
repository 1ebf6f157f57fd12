/* One text's near-copy digest in C: the same words, CRC-32s, MinHash signature and LSH
 * band keys as the numpy path of foretold/coordination/nearcopy.py, one text at a time.
 *
 * The Python path cuts a text with regular expressions, hashes its words with zlib and
 * its bigrams with numpy; per text, the interpreter's calls cost more than the arithmetic
 * (docs/coordination.md). Here one pass over the lower-cased text finds the words, and
 * the bigrams are hashed in plain loops. tests/coordination/test_digest_c.py checks that
 * both paths give the same digest, text for text. The module is optional: setup.py builds
 * it where a C compiler is, and nearcopy.py falls back to the Python path without it.
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
static PyObject *lower_name; /* "lower", interned */

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
 * keys: one int per band. None when the text has fewer than min_tokens words. */
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
    PyObject *keys = PyList_New(bands);
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
    for (Py_ssize_t band = 0; band < bands; band++) {
        uint64_t s = 0;
        for (Py_ssize_t r = 0; r < rows; r++) s += sig[band * rows + r] * mix[r];
        PyObject *key = PyLong_FromUnsignedLongLong((s << 6) | (uint64_t)band);
        if (key == NULL) {
            Py_DECREF(sigbytes);
            Py_DECREF(keys);
            return NULL;
        }
        PyList_SET_ITEM(keys, band, key);
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

/* same_values(a, b) -> how many of two signatures' 32-bit values are equal, place by place */
static PyObject *same_values(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs != 2 || !PyBytes_Check(args[0]) || !PyBytes_Check(args[1]) ||
        PyBytes_GET_SIZE(args[0]) != PyBytes_GET_SIZE(args[1]) ||
        PyBytes_GET_SIZE(args[0]) % 4) {
        PyErr_SetString(PyExc_TypeError, "same_values(a: bytes, b: bytes) of one length, 4k");
        return NULL;
    }
    const char *x = PyBytes_AS_STRING(args[0]), *y = PyBytes_AS_STRING(args[1]);
    Py_ssize_t n = PyBytes_GET_SIZE(args[0]) / 4;
    long same = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        uint32_t u, v;
        memcpy(&u, x + 4 * i, 4);
        memcpy(&v, y + 4 * i, 4);
        same += u == v;
    }
    return PyLong_FromLong(same);
}

static PyMethodDef methods[] = {
    {"same_values", (PyCFunction)(void (*)(void))same_values, METH_FASTCALL,
     "same_values(a, b) -> how many 32-bit values of two signatures are equal"},
    {"digest", (PyCFunction)(void (*)(void))digest, METH_FASTCALL,
     "digest(text, min_tokens, a, b, row_mix, bands) -> (exact, signature, keys) or None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_digest", "A text's near-copy digest in C (see nearcopy.py).", -1,
    methods,
};

PyMODINIT_FUNC PyInit__digest(void) {
    crc_init();
    lower_name = PyUnicode_InternFromString("lower");
    if (lower_name == NULL) return NULL;
    return PyModule_Create(&module);
}
