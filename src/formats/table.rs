//! Tables of the document readers (DOCX, ODT): open tables as rows of cells, nested tables
//! inside cells. A finished row becomes one `cell | cell` line — of the enclosing cell when the
//! table is nested, of the text otherwise.

/// The tables being read; the last table, row and cell are the ones being filled.
#[derive(Debug, Default)]
pub struct Tables {
    open: Vec<Vec<Vec<String>>>,
}

impl Tables {
    /// A table starts.
    pub fn open_table(&mut self) {
        self.open.push(Vec::new());
    }

    /// A row of the innermost table starts.
    pub fn open_row(&mut self) {
        if let Some(t) = self.open.last_mut() {
            t.push(Vec::new());
        }
    }

    /// A cell of the current row starts.
    pub fn open_cell(&mut self) {
        if let Some(row) = self.open.last_mut().and_then(|t| t.last_mut()) {
            row.push(String::new());
        }
    }

    /// The innermost table ends.
    pub fn close_table(&mut self) {
        self.open.pop();
    }

    /// Puts a finished paragraph into the open cell (joined with a space); gives it back when
    /// no cell is open, for the text.
    pub fn put(&mut self, line: String) -> Option<String> {
        match self
            .open
            .last_mut()
            .and_then(|t| t.last_mut())
            .and_then(|r| r.last_mut())
        {
            Some(cell) => {
                if !cell.is_empty() {
                    cell.push(' ');
                }
                cell.push_str(&line.replace('\n', " "));
                None
            }
            None => Some(line),
        }
    }

    /// Ends the current row: its `cell | cell` line goes into the enclosing cell of a nested
    /// table, or is given back for the text. Rows of empty cells give nothing.
    pub fn end_row(&mut self) -> Option<String> {
        let row = self.open.last_mut().and_then(|t| t.pop())?;
        let cells: Vec<&str> = row.iter().map(|c| c.trim()).collect();
        if cells.iter().all(|c| c.is_empty()) {
            return None;
        }
        let line = cells.join(" | ");
        // The row's own table is not where its line goes: look past it.
        let table = self.open.pop();
        let out = self.put(line);
        if let Some(t) = table {
            self.open.push(t);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_lines_and_nested_rows_stay_in_their_cell() {
        let mut t = Tables::default();
        assert_eq!(t.put("вне таблицы".into()), Some("вне таблицы".into()));
        t.open_table();
        t.open_row();
        t.open_cell();
        assert_eq!(t.put("мероприятие".into()), None);
        t.open_cell();
        t.open_table();
        t.open_row();
        t.open_cell();
        assert_eq!(t.put("до 1 мая".into()), None);
        t.open_cell();
        assert_eq!(t.put("школы".into()), None);
        assert_eq!(t.end_row(), None, "a nested row goes into the outer cell");
        t.close_table();
        assert_eq!(t.end_row(), Some("мероприятие | до 1 мая | школы".into()));
        t.open_row();
        t.open_cell();
        assert_eq!(t.end_row(), None, "an empty row gives nothing");
        t.close_table();
    }
}
