/*
 * Tells whether libxml2, the parser update_engine reads Omaha responses with (xmlParseMemory), takes each document
 * as well-formed. Reads documents on stdin, each as a 4-byte little-endian length and its bytes, and writes one
 * character per document on stdout: '1' parsed, '0' refused. No network, no entity substitution.
 */
#include <stdio.h>
#include <stdlib.h>
#include <libxml/parser.h>

static void quiet(void *ctx, const char *msg, ...) { (void)ctx; (void)msg; }

int main(void) {
  xmlSetGenericErrorFunc(NULL, quiet);
  unsigned char len_bytes[4];
  while (fread(len_bytes, 1, 4, stdin) == 4) {
    size_t len = len_bytes[0] | (len_bytes[1] << 8) | (len_bytes[2] << 16) | ((size_t)len_bytes[3] << 24);
    char *buf = malloc(len + 1);
    if (fread(buf, 1, len, stdin) != len) return 1;
    xmlDocPtr doc = xmlReadMemory(buf, (int)len, "omaha.xml", NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    putchar(doc ? '1' : '0');
    if (doc) xmlFreeDoc(doc);
    free(buf);
  }
  return 0;
}
