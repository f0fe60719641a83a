"""Workers named on a position and their job offers / employment agreements: the letter's
inputs and text (plain Python: ``letter``, ``changes``, ``standards``, ``terms``), its rendering
(``render``), and the pages (``views``, whose blueprint ``bp`` the app registers). Importing this
package imports no Flask."""
