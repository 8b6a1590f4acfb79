/** Entity names come back escaped (`%25`, `%2f`, `%5c`): the name as a person typed it. */
export function unescapeEntityName(name: string): string {
  return name.replace(/%(25|2f|2F|5c|5C)/g, (_match, code: string) => ({ "25": "%", "2f": "/", "5c": "\\" })[code.toLowerCase()] ?? _match);
}
