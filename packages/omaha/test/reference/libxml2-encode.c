/*
 * Escapes strings as Flatcar's update_engine does (XmlEncode in omaha_request_action.cc calls libxml2's
 * xmlEncodeEntitiesReentrant with no document). Reads NUL-terminated UTF-8 strings on stdin and writes each
 * escaped string followed by a NUL byte on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/entities.h>
#include <libxml/xmlmemory.h>

int main(void) {
  size_t cap = 1 << 16, len = 0;
  char *buf = malloc(cap);
  int c;
  while ((c = getchar()) != EOF) {
    if (len + 1 >= cap) buf = realloc(buf, cap *= 2);
    buf[len++] = (char)c;
    if (c == 0) {
      xmlChar *out = xmlEncodeEntitiesReentrant(NULL, (const xmlChar *)buf);
      fputs((const char *)out, stdout);
      putchar(0);
      xmlFree(out);
      len = 0;
    }
  }
  free(buf);
  return 0;
}
