/**
 * yaml.v3's event parser (libyaml's grammar): turns the scanner's tokens into events with the same marks, the same
 * empty scalars and the same errors, one event per call.
 */

import {
  type Mark,
  type ScalarStyle,
  type Scanner,
  type Token,
  type TokenType,
  YamlSyntaxError,
} from './yaml-scanner.js';

/** The events of yaml.v3's parser. */
export type EventType =
  | 'STREAM-START'
  | 'STREAM-END'
  | 'DOCUMENT-START'
  | 'DOCUMENT-END'
  | 'ALIAS'
  | 'SCALAR'
  | 'SEQUENCE-START'
  | 'SEQUENCE-END'
  | 'MAPPING-START'
  | 'MAPPING-END';

/** One parser event, with yaml.v3's marks. */
export interface YamlEvent {
  readonly type: EventType;
  readonly start: Mark;
  readonly end: Mark;
  readonly anchor?: string;
  /** The full tag (`tag:yaml.org,2002:str`, `!local`, `!`), '' when none. */
  readonly tag?: string;
  readonly value?: string;
  readonly style?: ScalarStyle;
  readonly flow?: boolean;
}

type State =
  | 'STREAM-START'
  | 'IMPLICIT-DOCUMENT-START'
  | 'DOCUMENT-START'
  | 'DOCUMENT-CONTENT'
  | 'DOCUMENT-END'
  | 'BLOCK-NODE'
  | 'BLOCK-NODE-OR-INDENTLESS-SEQUENCE'
  | 'FLOW-NODE'
  | 'BLOCK-SEQUENCE-FIRST-ENTRY'
  | 'BLOCK-SEQUENCE-ENTRY'
  | 'INDENTLESS-SEQUENCE-ENTRY'
  | 'BLOCK-MAPPING-FIRST-KEY'
  | 'BLOCK-MAPPING-KEY'
  | 'BLOCK-MAPPING-VALUE'
  | 'FLOW-SEQUENCE-FIRST-ENTRY'
  | 'FLOW-SEQUENCE-ENTRY'
  | 'FLOW-SEQUENCE-ENTRY-MAPPING-KEY'
  | 'FLOW-SEQUENCE-ENTRY-MAPPING-VALUE'
  | 'FLOW-SEQUENCE-ENTRY-MAPPING-END'
  | 'FLOW-MAPPING-FIRST-KEY'
  | 'FLOW-MAPPING-KEY'
  | 'FLOW-MAPPING-VALUE'
  | 'FLOW-MAPPING-EMPTY-VALUE'
  | 'END';

interface TagDirective {
  readonly handle: string;
  readonly prefix: string;
}

const defaultTagDirectives: readonly TagDirective[] = [
  { handle: '!', prefix: '!' },
  { handle: '!!', prefix: 'tag:yaml.org,2002:' },
];

/** Produces yaml.v3's events from a scanner. */
export class EventParser {
  private state: State = 'STREAM-START';
  private readonly states: State[] = [];
  private readonly marks: Mark[] = [];
  private tagDirectives: TagDirective[] = [];
  /** A scanner error yaml.v3 noted but went on past (see `splitStemComment`); it fails the decode after all. */
  private pending: YamlSyntaxError | undefined;

  constructor(private readonly scanner: Scanner) {}

  /** The next event; undefined after the end of the stream. */
  next(): YamlEvent | undefined {
    if (this.scanner.ended || this.state === 'END') return undefined;
    let event: YamlEvent;
    try {
      event = this.dispatch();
    } catch (e) {
      if (this.pending && e instanceof YamlSyntaxError) throw overwrite(this.pending, e);
      throw e;
    }
    // yaml.v3's decoder checks the parser's error after every event it peeks.
    if (this.pending) throw this.pending;
    return event;
  }

  /** yaml.v3's `set_event_comments`: the comments gathered so far go with the event being made. */
  private takeComments(): void {
    this.scanner.headComment = '';
    this.scanner.lineComment = '';
    this.scanner.footComment = '';
    this.scanner.stemComment = '';
  }

  /**
   * yaml.v3's `split_stem_comment`: with a head comment pending at a "-", it peeks at the next token to see whether
   * a collection starts there, and ignores a failure to scan it. The scanner then goes on from where it failed.
   */
  private splitStemComment(stemLength: number): void {
    if (stemLength === 0) return;
    let token: Token;
    try {
      token = this.peek();
    } catch (e) {
      if (!(e instanceof YamlSyntaxError) || (e.kind !== 'scanner' && e.kind !== 'reader')) throw e;
      this.pending = this.pending ? overwrite(this.pending, e) : e;
      return;
    }
    if (token.type !== 'BLOCK-SEQUENCE-START' && token.type !== 'BLOCK-MAPPING-START') return;
    const head = this.scanner.headComment;
    this.scanner.stemComment = head.slice(0, stemLength);
    this.scanner.headComment = head.length === stemLength ? '' : head.slice(stemLength + 1);
  }

  private error(problem: string, problemMark: Mark, context = '', contextMark?: Mark): never {
    throw new YamlSyntaxError('parser', problem, problemMark, context, contextMark);
  }

  private pop(): void {
    this.state = this.states.pop()!;
  }

  private dispatch(): YamlEvent {
    switch (this.state) {
      case 'STREAM-START':
        return this.streamStart();
      case 'IMPLICIT-DOCUMENT-START':
        return this.documentStart(true);
      case 'DOCUMENT-START':
        return this.documentStart(false);
      case 'DOCUMENT-CONTENT':
        return this.documentContent();
      case 'DOCUMENT-END':
        return this.documentEnd();
      case 'BLOCK-NODE':
        return this.node(true, false);
      case 'BLOCK-NODE-OR-INDENTLESS-SEQUENCE':
        return this.node(true, true);
      case 'FLOW-NODE':
        return this.node(false, false);
      case 'BLOCK-SEQUENCE-FIRST-ENTRY':
        return this.blockSequenceEntry(true);
      case 'BLOCK-SEQUENCE-ENTRY':
        return this.blockSequenceEntry(false);
      case 'INDENTLESS-SEQUENCE-ENTRY':
        return this.indentlessSequenceEntry();
      case 'BLOCK-MAPPING-FIRST-KEY':
        return this.blockMappingKey(true);
      case 'BLOCK-MAPPING-KEY':
        return this.blockMappingKey(false);
      case 'BLOCK-MAPPING-VALUE':
        return this.blockMappingValue();
      case 'FLOW-SEQUENCE-FIRST-ENTRY':
        return this.flowSequenceEntry(true);
      case 'FLOW-SEQUENCE-ENTRY':
        return this.flowSequenceEntry(false);
      case 'FLOW-SEQUENCE-ENTRY-MAPPING-KEY':
        return this.flowSequenceEntryMappingKey();
      case 'FLOW-SEQUENCE-ENTRY-MAPPING-VALUE':
        return this.flowSequenceEntryMappingValue();
      case 'FLOW-SEQUENCE-ENTRY-MAPPING-END':
        return this.flowSequenceEntryMappingEnd();
      case 'FLOW-MAPPING-FIRST-KEY':
        return this.flowMappingKey(true);
      case 'FLOW-MAPPING-KEY':
        return this.flowMappingKey(false);
      case 'FLOW-MAPPING-VALUE':
        return this.flowMappingValue(false);
      case 'FLOW-MAPPING-EMPTY-VALUE':
        return this.flowMappingValue(true);
      case 'END':
        throw new Error('yaml: parser called after the end of the stream');
    }
  }

  private peek(): Token {
    return this.scanner.peek();
  }

  private skip(): void {
    this.scanner.skip();
  }

  private streamStart(): YamlEvent {
    const token = this.peek();
    if (token.type !== 'STREAM-START') this.error('did not find expected <stream-start>', token.start);
    this.state = 'IMPLICIT-DOCUMENT-START';
    this.skip();
    return { type: 'STREAM-START', start: token.start, end: token.end };
  }

  private documentStart(implicit: boolean): YamlEvent {
    let token = this.peek();
    if (!implicit) {
      while (token.type === 'DOCUMENT-END') {
        this.skip();
        token = this.peek();
      }
    }
    if (
      implicit &&
      token.type !== 'VERSION-DIRECTIVE' &&
      token.type !== 'TAG-DIRECTIVE' &&
      token.type !== 'DOCUMENT-START' &&
      token.type !== 'STREAM-END'
    ) {
      this.processDirectives();
      this.states.push('DOCUMENT-END');
      this.state = 'BLOCK-NODE';
      // The part of the head comment before its last empty line belongs to the document.
      const head = this.scanner.headComment;
      for (let i = head.length - 1; i > 0; i--) {
        if (head[i] !== '\n') continue;
        if (i === head.length - 1 || head[i - 1] === '\n') {
          this.scanner.headComment = head.slice(i + 1);
          break;
        }
      }
      return { type: 'DOCUMENT-START', start: token.start, end: token.end };
    }
    if (token.type !== 'STREAM-END') {
      const start = token.start;
      this.processDirectives();
      token = this.peek();
      if (token.type !== 'DOCUMENT-START') this.error('did not find expected <document start>', token.start);
      this.states.push('DOCUMENT-END');
      this.state = 'DOCUMENT-CONTENT';
      const end = token.end;
      this.skip();
      return { type: 'DOCUMENT-START', start, end };
    }
    this.state = 'END';
    this.skip();
    return { type: 'STREAM-END', start: token.start, end: token.end };
  }

  private documentContent(): YamlEvent {
    const token = this.peek();
    if (
      token.type === 'VERSION-DIRECTIVE' ||
      token.type === 'TAG-DIRECTIVE' ||
      token.type === 'DOCUMENT-START' ||
      token.type === 'DOCUMENT-END' ||
      token.type === 'STREAM-END'
    ) {
      this.pop();
      return emptyScalar(token.start);
    }
    return this.node(true, false);
  }

  private documentEnd(): YamlEvent {
    const token = this.peek();
    const start = token.start;
    let end = token.start;
    if (token.type === 'DOCUMENT-END') {
      end = token.end;
      this.skip();
    }
    this.tagDirectives = [];
    this.state = 'DOCUMENT-START';
    this.takeComments();
    return { type: 'DOCUMENT-END', start, end };
  }

  private node(block: boolean, indentlessSequence: boolean): YamlEvent {
    let token = this.peek();
    if (token.type === 'ALIAS') {
      this.pop();
      this.takeComments();
      this.skip();
      return { type: 'ALIAS', start: token.start, end: token.end, anchor: token.value ?? '' };
    }
    let start = token.start;
    let end = token.start;
    let tagToken = false;
    let tagHandle = '';
    let tagSuffix = '';
    let anchor = '';
    let tagMark = token.start;
    if (token.type === 'ANCHOR') {
      anchor = token.value ?? '';
      start = token.start;
      end = token.end;
      this.skip();
      token = this.peek();
      if (token.type === 'TAG') {
        tagToken = true;
        tagHandle = token.value ?? '';
        tagSuffix = token.suffix ?? '';
        tagMark = token.start;
        end = token.end;
        this.skip();
        token = this.peek();
      }
    } else if (token.type === 'TAG') {
      tagToken = true;
      tagHandle = token.value ?? '';
      tagSuffix = token.suffix ?? '';
      start = token.start;
      tagMark = token.start;
      end = token.end;
      this.skip();
      token = this.peek();
      if (token.type === 'ANCHOR') {
        anchor = token.value ?? '';
        end = token.end;
        this.skip();
        token = this.peek();
      }
    }
    let tag = '';
    if (tagToken) {
      if (tagHandle === '') {
        tag = tagSuffix;
      } else {
        const directive = this.tagDirectives.find((d) => d.handle === tagHandle);
        if (directive) tag = directive.prefix + tagSuffix;
        if (tag === '') this.error('found undefined tag handle', tagMark, 'while parsing a node', start);
      }
    }
    if (indentlessSequence && token.type === 'BLOCK-ENTRY') {
      this.state = 'INDENTLESS-SEQUENCE-ENTRY';
      return { type: 'SEQUENCE-START', start, end: token.end, anchor, tag, flow: false };
    }
    if (token.type === 'SCALAR') {
      this.pop();
      this.takeComments();
      this.skip();
      return {
        type: 'SCALAR',
        start,
        end: token.end,
        anchor,
        tag,
        value: token.value ?? '',
        style: token.style ?? 'plain',
      };
    }
    if (token.type === 'FLOW-SEQUENCE-START') {
      this.state = 'FLOW-SEQUENCE-FIRST-ENTRY';
      this.takeComments();
      return { type: 'SEQUENCE-START', start, end: token.end, anchor, tag, flow: true };
    }
    if (token.type === 'FLOW-MAPPING-START') {
      this.state = 'FLOW-MAPPING-FIRST-KEY';
      this.takeComments();
      return { type: 'MAPPING-START', start, end: token.end, anchor, tag, flow: true };
    }
    if (block && token.type === 'BLOCK-SEQUENCE-START') {
      this.state = 'BLOCK-SEQUENCE-FIRST-ENTRY';
      this.scanner.stemComment = '';
      return { type: 'SEQUENCE-START', start, end: token.end, anchor, tag, flow: false };
    }
    if (block && token.type === 'BLOCK-MAPPING-START') {
      this.state = 'BLOCK-MAPPING-FIRST-KEY';
      this.scanner.stemComment = '';
      return { type: 'MAPPING-START', start, end: token.end, anchor, tag, flow: false };
    }
    if (anchor !== '' || tag !== '') {
      this.pop();
      return { type: 'SCALAR', start, end, anchor, tag, value: '', style: 'plain' };
    }
    this.error(
      'did not find expected node content',
      token.start,
      block ? 'while parsing a block node' : 'while parsing a flow node',
      start,
    );
  }

  private blockSequenceEntry(first: boolean): YamlEvent {
    if (first) {
      this.marks.push(this.peek().start);
      this.skip();
    }
    const token = this.peek();
    if (token.type === 'BLOCK-ENTRY') {
      const priorHead = this.scanner.headComment.length;
      this.skip();
      this.splitStemComment(priorHead);
      return this.blockNodeOrEmpty(token.end, 'BLOCK-SEQUENCE-ENTRY', SEQUENCE_ENTRY_ENDS, false);
    }
    if (token.type === 'BLOCK-END') {
      this.pop();
      this.marks.pop();
      this.skip();
      return { type: 'SEQUENCE-END', start: token.start, end: token.end };
    }
    const contextMark = this.marks.pop()!;
    this.error("did not find expected '-' indicator", token.start, 'while parsing a block collection', contextMark);
  }

  private indentlessSequenceEntry(): YamlEvent {
    const token = this.peek();
    if (token.type === 'BLOCK-ENTRY') {
      this.skip();
      return this.blockNodeOrEmpty(token.end, 'INDENTLESS-SEQUENCE-ENTRY', INDENTLESS_ENTRY_ENDS, false);
    }
    this.pop();
    return { type: 'SEQUENCE-END', start: token.start, end: token.start };
  }

  private blockMappingKey(first: boolean): YamlEvent {
    if (first) {
      this.marks.push(this.peek().start);
      this.skip();
    }
    const token = this.peek();
    if (token.type === 'KEY') {
      this.skip();
      return this.blockNodeOrEmpty(token.end, 'BLOCK-MAPPING-VALUE', MAPPING_PART_ENDS, true);
    }
    if (token.type === 'BLOCK-END') return this.collectionEnd(token, 'MAPPING-END');
    const contextMark = this.marks.pop()!;
    this.error('did not find expected key', token.start, 'while parsing a block mapping', contextMark);
  }

  private blockMappingValue(): YamlEvent {
    const token = this.peek();
    if (token.type === 'VALUE') {
      this.skip();
      return this.blockNodeOrEmpty(token.end, 'BLOCK-MAPPING-KEY', MAPPING_PART_ENDS, true);
    }
    this.state = 'BLOCK-MAPPING-KEY';
    return emptyScalar(token.start);
  }

  /**
   * The node after a block indicator (`-`, `?`, `:`) just skipped, the parser going on in `next` once it is read;
   * an empty scalar at `mark`, the indicator's end, when one of `none` comes instead of a node.
   */
  private blockNodeOrEmpty(mark: Mark, next: State, none: readonly TokenType[], indentless: boolean): YamlEvent {
    if (!none.includes(this.peek().type)) {
      this.states.push(next);
      return this.node(true, indentless);
    }
    this.state = next;
    return emptyScalar(mark);
  }

  /** The end indicator `token` of a collection (not a block sequence): the event, and the comments before it. */
  private collectionEnd(token: Token, type: 'SEQUENCE-END' | 'MAPPING-END'): YamlEvent {
    this.pop();
    this.marks.pop();
    this.takeComments();
    this.skip();
    return { type, start: token.start, end: token.end };
  }

  /**
   * The token that starts the next entry of a flow collection (or is its end indicator `end`): the first one after
   * the opening indicator, else the one after the `,` that must come between entries (yaml.v3's error if it does not).
   */
  private flowEntryStart(first: boolean, end: TokenType, what: 'sequence' | 'mapping'): Token {
    if (first) {
      this.marks.push(this.peek().start);
      this.skip();
    }
    const token = this.peek();
    if (first || token.type === end) return token;
    if (token.type !== 'FLOW-ENTRY') {
      const contextMark = this.marks.pop()!;
      const close = what === 'sequence' ? ']' : '}';
      this.error(`did not find expected ',' or '${close}'`, token.start, `while parsing a flow ${what}`, contextMark);
    }
    this.skip();
    return this.peek();
  }

  private flowSequenceEntry(first: boolean): YamlEvent {
    const token = this.flowEntryStart(first, 'FLOW-SEQUENCE-END', 'sequence');
    if (token.type === 'KEY') {
      this.state = 'FLOW-SEQUENCE-ENTRY-MAPPING-KEY';
      this.skip();
      return { type: 'MAPPING-START', start: token.start, end: token.end, anchor: '', tag: '', flow: true };
    }
    if (token.type !== 'FLOW-SEQUENCE-END') {
      this.states.push('FLOW-SEQUENCE-ENTRY');
      return this.node(false, false);
    }
    return this.collectionEnd(token, 'SEQUENCE-END');
  }

  private flowSequenceEntryMappingKey(): YamlEvent {
    const token = this.peek();
    if (token.type !== 'VALUE' && token.type !== 'FLOW-ENTRY' && token.type !== 'FLOW-SEQUENCE-END') {
      this.states.push('FLOW-SEQUENCE-ENTRY-MAPPING-VALUE');
      return this.node(false, false);
    }
    const mark = token.end;
    this.skip();
    this.state = 'FLOW-SEQUENCE-ENTRY-MAPPING-VALUE';
    return emptyScalar(mark);
  }

  private flowSequenceEntryMappingValue(): YamlEvent {
    return this.flowValue('FLOW-SEQUENCE-ENTRY-MAPPING-END', 'FLOW-SEQUENCE-END');
  }

  private flowSequenceEntryMappingEnd(): YamlEvent {
    const token = this.peek();
    this.state = 'FLOW-SEQUENCE-ENTRY';
    return { type: 'MAPPING-END', start: token.start, end: token.start };
  }

  private flowMappingKey(first: boolean): YamlEvent {
    let token = this.flowEntryStart(first, 'FLOW-MAPPING-END', 'mapping');
    if (token.type === 'KEY') {
      this.skip();
      token = this.peek();
      if (token.type !== 'VALUE' && token.type !== 'FLOW-ENTRY' && token.type !== 'FLOW-MAPPING-END') {
        this.states.push('FLOW-MAPPING-VALUE');
        return this.node(false, false);
      }
      this.state = 'FLOW-MAPPING-VALUE';
      return emptyScalar(token.start);
    }
    if (token.type !== 'FLOW-MAPPING-END') {
      this.states.push('FLOW-MAPPING-EMPTY-VALUE');
      return this.node(false, false);
    }
    return this.collectionEnd(token, 'MAPPING-END');
  }

  private flowMappingValue(empty: boolean): YamlEvent {
    if (empty) {
      this.state = 'FLOW-MAPPING-KEY';
      return emptyScalar(this.peek().start);
    }
    return this.flowValue('FLOW-MAPPING-KEY', 'FLOW-MAPPING-END');
  }

  /**
   * A flow mapping's value: after `:`, the node (the parser going on in `next`); without one (no `:`, or `,` or the
   * collection's `end` next) an empty scalar where the next token starts.
   */
  private flowValue(next: State, end: TokenType): YamlEvent {
    let token = this.peek();
    if (token.type === 'VALUE') {
      this.skip();
      token = this.peek();
      if (token.type !== 'FLOW-ENTRY' && token.type !== end) {
        this.states.push(next);
        return this.node(false, false);
      }
    }
    this.state = next;
    return emptyScalar(token.start);
  }

  private processDirectives(): void {
    let version = false;
    const seen: TagDirective[] = [];
    let token = this.peek();
    while (token.type === 'VERSION-DIRECTIVE' || token.type === 'TAG-DIRECTIVE') {
      if (token.type === 'VERSION-DIRECTIVE') {
        if (version) this.error('found duplicate %YAML directive', token.start);
        if (token.major !== 1 || token.minor !== 1) this.error('found incompatible YAML document', token.start);
        version = true;
      } else {
        const value = { handle: token.value ?? '', prefix: token.prefix ?? '' };
        this.appendTagDirective(value, false, token.start);
        seen.push(value);
      }
      this.skip();
      token = this.peek();
    }
    for (const d of defaultTagDirectives) this.appendTagDirective(d, true, token.start);
  }

  private appendTagDirective(value: TagDirective, allowDuplicates: boolean, mark: Mark): void {
    if (this.tagDirectives.some((d) => d.handle === value.handle)) {
      if (allowDuplicates) return;
      this.error('found duplicate %TAG directive', mark);
    }
    this.tagDirectives.push(value);
  }
}

// What ends an entry of a block sequence, of an indentless one, and a block mapping's key or value, when no node
// comes first.
const SEQUENCE_ENTRY_ENDS: readonly TokenType[] = ['BLOCK-ENTRY', 'BLOCK-END'];
const INDENTLESS_ENTRY_ENDS: readonly TokenType[] = ['BLOCK-ENTRY', 'KEY', 'VALUE', 'BLOCK-END'];
const MAPPING_PART_ENDS: readonly TokenType[] = ['KEY', 'VALUE', 'BLOCK-END'];

function emptyScalar(mark: Mark): YamlEvent {
  return { type: 'SCALAR', start: mark, end: mark, anchor: '', tag: '', value: '', style: 'plain' };
}

/**
 * A later error over an earlier one, as yaml.v3 overwrites its parser's error fields: a scanner error or a parser
 * error with context replaces all of them, the others only the problem (the context stays the earlier one's).
 */
function overwrite(earlier: YamlSyntaxError, later: YamlSyntaxError): YamlSyntaxError {
  if (later.kind === 'scanner' || later.kind === 'composer' || later.contextMark !== undefined) return later;
  return new YamlSyntaxError(
    later.kind,
    later.problem,
    later.problemMark ?? earlier.problemMark,
    earlier.context,
    earlier.contextMark,
  );
}
