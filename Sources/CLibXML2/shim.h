#ifndef NEWSWATCH_CLIBXML2_SHIM_H
#define NEWSWATCH_CLIBXML2_SHIM_H
/* Debian's libxml2 headers pull in ICU, whose types then clash with Foundation's copy
   ("'UErrorCode' has different definitions"). Hiding ICU only hides trailing fields of
   xmlCharEncodingHandler, which Swift never allocates or copies. */
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlerror.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlreader.h>
#include <string.h>

/* xmlFree is a mutable global function pointer; Swift 6 rejects touching it directly. */
static inline void nw_xml_free(void *p) { xmlFree(p); }

/* libxml2 reports encoding and I/O problems on stderr through per-thread handlers; a
   NULL handler means "the default", which prints, so install handlers that do nothing. */
static void nw_xml_ignore_generic(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }
static void nw_xml_ignore_structured(void *ctx, xmlErrorPtr error) { (void)ctx; (void)error; }
static inline void nw_xml_silence_errors(void) {
    xmlSetGenericErrorFunc(NULL, nw_xml_ignore_generic);
    xmlSetStructuredErrorFunc(NULL, nw_xml_ignore_structured);
}
/* Streams a UTF-8 page through the HTML parser's SAX interface: the same tokeniser and
   tree-construction rules as htmlReadMemory, but no tree is built (about a third less
   time). The input is declared UTF-8 the way htmlReadMemory(..., "UTF-8", ...) does,
   so a <meta charset> in the page cannot switch decoding half-way. Start and end events
   carry the parser's byte offset in the input (at the start tag's '>', after the end tag),
   which lets the caller name the bytes a part of the page came from. 0 on success. */
typedef void (*nw_start_fn)(void *context, long offset, const xmlChar *name, const xmlChar **attributes);
typedef void (*nw_end_fn)(void *context, long offset);
typedef struct {
    void *context;
    htmlParserCtxtPtr parser;
    nw_start_fn start;
    nw_end_fn end;
    charactersSAXFunc text;
} nw_stream_state;

static inline long nw_stream_offset(htmlParserCtxtPtr parser) {
    if (parser == NULL || parser->input == NULL || parser->input->cur == NULL || parser->input->base == NULL) return -1;
    return (long) parser->input->consumed + (long) (parser->input->cur - parser->input->base);
}
static void nw_stream_on_start(void *user, const xmlChar *name, const xmlChar **attributes) {
    nw_stream_state *state = (nw_stream_state *) user;
    state->start(state->context, nw_stream_offset(state->parser), name, attributes);
}
static void nw_stream_on_end(void *user, const xmlChar *name) {
    (void) name;
    nw_stream_state *state = (nw_stream_state *) user;
    state->end(state->context, nw_stream_offset(state->parser));
}
static void nw_stream_on_text(void *user, const xmlChar *text, int length) {
    nw_stream_state *state = (nw_stream_state *) user;
    state->text(state->context, text, length);
}

static inline int nw_html_stream(const char *buffer, int size, int options, void *context,
                                 nw_start_fn start, nw_end_fn end, charactersSAXFunc text) {
    htmlParserCtxtPtr ctxt = htmlCreateMemoryParserCtxt(buffer, size);
    if (ctxt == NULL) return -1;
    nw_stream_state state = { context, ctxt, start, end, text };
    htmlSAXHandler *sax = (htmlSAXHandler *) ctxt->sax;  /* owned and freed by ctxt */
    memset(sax, 0, sizeof(*sax));
    sax->startElement = nw_stream_on_start;
    sax->endElement = nw_stream_on_end;
    sax->characters = nw_stream_on_text;
    sax->ignorableWhitespace = nw_stream_on_text;  /* the tree builder keeps blanks too */
    sax->cdataBlock = nw_stream_on_text;
    ctxt->userData = &state;
    htmlCtxtUseOptions(ctxt, options);
    xmlCharEncodingHandlerPtr utf8 = xmlFindCharEncodingHandler("UTF-8");
    if (utf8 != NULL) {
        xmlSwitchToEncoding(ctxt, utf8);
        if (ctxt->input != NULL && ctxt->input->encoding == NULL)
            ctxt->input->encoding = xmlStrdup((const xmlChar *) "UTF-8");
    }
    htmlParseDocument(ctxt);
    htmlFreeParserCtxt(ctxt);
    return 0;
}
#endif
