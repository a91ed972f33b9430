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
#endif
