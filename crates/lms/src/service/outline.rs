//! Modules and items of a set of courses, loaded in two statements whatever the number of
//! courses, and assembled in order.

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::{
    dto::courses::{ItemDto, ModuleDto},
    entities::{course_items, course_modules},
};

/// Modules per course, each with its items in order; `item` maps each item to what the
/// caller may see of it.
pub async fn load<C: ConnectionTrait>(
    conn: &C,
    course_ids: &[Uuid],
    with_items: bool,
    mut item: impl FnMut(&course_items::Model) -> ItemDto,
) -> Result<HashMap<Uuid, Vec<ModuleDto>>, DbErr> {
    let mut out: HashMap<Uuid, Vec<ModuleDto>> = HashMap::new();
    if course_ids.is_empty() {
        return Ok(out);
    }
    let modules = course_modules::Entity::find()
        .filter(course_modules::Column::CourseId.is_in(course_ids.iter().copied()))
        .order_by_asc(course_modules::Column::Position)
        .order_by_asc(course_modules::Column::Id)
        .all(conn)
        .await?;
    let mut items_of: HashMap<Uuid, Vec<ItemDto>> = HashMap::new();
    if with_items && !modules.is_empty() {
        let items = course_items::Entity::find()
            .filter(course_items::Column::CourseId.is_in(course_ids.iter().copied()))
            .order_by_asc(course_items::Column::Position)
            .order_by_asc(course_items::Column::Id)
            .all(conn)
            .await?;
        for i in &items {
            items_of.entry(i.module_id).or_default().push(item(i));
        }
    }
    for m in &modules {
        let mut dto = ModuleDto::empty(m);
        dto.items = items_of.remove(&m.id).unwrap_or_default();
        out.entry(m.course_id).or_default().push(dto);
    }
    Ok(out)
}
